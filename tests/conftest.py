"""Shared fixtures: the cast of the permission tests (five roles in two regions) and the rule that tests
needing PostgreSQL, Redis or the browser fail instead of skipping when CI=true."""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings

from absolutt.core import freshness
from municipalities.models import RoleCategory

from .factories import (
    CoreGroupMemberFactory,
    ParticipantFactory,
    RegionFactory,
    RoundFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip locally when a real part is missing; fail in CI, where every part must be there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres"):
        require(is_postgres(), "this test needs PostgreSQL (set DATABASE_URL)")
    if item.get_closest_marker("redis"):
        require(bool(settings.REDIS_URL), "this test needs Redis (set REDIS_URL)")


@dataclass
class Side:
    """One region's people and places."""

    region: object
    round: object
    participant: object
    other_participant: object
    regional_coordinator: object
    competence_partner: object
    municipal_coordinator: object
    core_group_member: object
    member_row: object


def make_side(tag: str) -> Side:
    region = RegionFactory(name=f"Region {tag}", slug=f"region-{tag}")
    round_ = RoundFactory(region=region, title=f"ABSOLUTT {tag}")
    rc = UserFactory(email=f"rc-{tag}@test.example", is_staff=True)
    cp = UserFactory(email=f"cp-{tag}@test.example")
    mc = UserFactory(email=f"mc-{tag}@test.example")
    cg = UserFactory(email=f"cg-{tag}@test.example")
    round_.regional_coordinators.add(rc)
    round_.competence_partners.add(cp)
    participant = ParticipantFactory(round=round_, coordinator=mc)
    other = ParticipantFactory(round=round_)
    member = CoreGroupMemberFactory(participant=participant, email=cg.email, user=cg, role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=other, role_category=RoleCategory.ADMINISTRATIVE)
    return Side(region, round_, participant, other, rc, cp, mc, cg, member)


@dataclass
class Cast:
    national_lead: object
    outsider: object
    a: Side
    b: Side


@pytest.fixture
def cast(db) -> Cast:
    return Cast(
        national_lead=UserFactory(email="national@test.example", is_national_lead=True, is_staff=True),
        outsider=UserFactory(email="outsider@test.example"),
        a=make_side("a"),
        b=make_side("b"),
    )


@pytest.fixture
def mfa_relaxed(settings):
    settings.ABSOLUTT_REQUIRE_MFA_FOR_STAFF = False
    return settings


@pytest.fixture(autouse=True)
def fresh_data_version():
    """Every test starts under a data version of its own, so that nothing cached under the data's version by an
    earlier test (a page fragment, the national figures) is ever served to it (the cache outlives the test's
    rolled-back database)."""
    freshness.touch()
