"""Fixtures shared by the mellomarbeid tests: uploaded files in a temporary folder, the round of region A with
an assignment and a core group of both levels (``work``), and pages in English (``english``)."""

import pytest
from django.utils import translation

from municipalities.models import RoleCategory

from ..factories import CoreGroupMemberFactory
from .factories import AssignmentFactory, Work


@pytest.fixture
def english(client):
    """Pages in English (source strings): asked for by the modules that read pages in English."""
    client.cookies["django_language"] = "en"  # as the language switch does
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def work(cast, media) -> Work:
    elected = cast.a.member_row
    elected.name, elected.title = "Ola Ordfører", "Ordfører"
    elected.save()
    administrative = CoreGroupMemberFactory(participant=cast.a.participant, name="Rita Rådmann",
                                            title="Kommunedirektør", role_category=RoleCategory.ADMINISTRATIVE)
    assignment = AssignmentFactory(round=cast.a.round, title="Ståstedsanalyse")
    return Work(cast, cast.a.round, cast.a.participant, assignment, cast.a.municipal_coordinator,
                cast.a.core_group_member, cast.a.regional_coordinator, cast.a.competence_partner, elected, administrative)
