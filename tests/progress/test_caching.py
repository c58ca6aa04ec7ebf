"""The national figures are cached (progress/caching.py) and never stale after a write: the data's version
(absolutt/core/freshness.py) moves with every write, also the bulk ones that send no signals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from absolutt.core import freshness
from municipalities.models import RoleCategory

from ..factories import CoreGroupMemberFactory, ParticipantFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def national(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("progress:national"))
    assert response.status_code == 200
    return response.context["overview"], len(ctx.captured_queries)


def test_national_page_is_served_from_the_cache_until_something_changes(client, cast):
    lead = cast.national_lead
    client.force_login(lead)
    p = ParticipantFactory(round=cast.a.round, coordinator=UserFactory(email="mc-ny@test.example"))
    first, n_first = national(client)
    again, n_again = national(client)
    assert n_again < n_first  # the overview's own queries are skipped
    assert again.measures == first.measures
    before = first.measures.with_elected

    # A write through the web: the coordinator adds an elected official to the core group.
    client.force_login(p.coordinator)
    response = client.post(reverse("municipalities:member_create", args=[p.pk]), {
        "name": "Ordfører", "email": "ordforer@ny.example", "title": "Ordfører",
        "role_category": RoleCategory.ELECTED, "is_active": "on"})
    assert response.status_code == 302
    client.force_login(lead)
    after, _n = national(client)
    assert after.measures.with_elected == before + 1


def test_bulk_writes_move_the_version_too(cast):
    """bulk_create and QuerySet.update send no signals: the writers that use them move the version themselves
    (here the national data generator); an ordinary save moves it through the signal."""
    from progress import national_data

    v = freshness.version()
    CoreGroupMemberFactory(participant=cast.a.participant)
    assert freshness.version() > v
    v = freshness.version()
    national_data.generate(scale=0.01, seed=3)
    assert freshness.version() > v
