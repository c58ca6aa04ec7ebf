"""The samling pages (timeline, detail, check-in, attendance) run as many queries at 10x the data as at 1x.
Messages are checked in Norwegian, the language the people using the platform see."""


import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import RoleCategory
from sessions_app.models import Registration

from ..factories import CoreGroupMemberFactory, ParticipantFactory, RegionFactory, RoundFactory, UserFactory
from ..sessions_app.factories import (
    AgendaItemFactory,
    GatheringFactory,
    MaterialFactory,
    detail_url,
    in_days,
    register,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


# --- Query counts --------------------------------------------------------------------------------

def build_round(scale: int):
    """A round with 3×scale participants, each with two core group members registered for each of the round's
    samlinger, scale agenda items and materials per samling, some waiting and some checked in."""
    coordinator = UserFactory()
    round_ = RoundFactory(region=RegionFactory())
    round_.regional_coordinators.add(coordinator)
    participants = [ParticipantFactory(round=round_, coordinator=UserFactory()) for _ in range(3 * scale)]
    gatherings = [GatheringFactory(round=round_, capacity=5 * scale, seats_per_participant=3,
                                   starts_at=in_days(20 + i), registration_deadline=None) for i in range(2)]
    for g in gatherings:
        for _ in range(scale):
            item = AgendaItemFactory(gathering=g)
            MaterialFactory(gathering=g, agenda_item=item)
            MaterialFactory(gathering=g)
        for p in participants:
            for category in [RoleCategory.ELECTED, RoleCategory.ADMINISTRATIVE]:
                m = CoreGroupMemberFactory(participant=p, role_category=category)
                register(g, p, coordinator, m.email, core_group_member=m, dietary_needs="Vegetar")
        Registration.objects.filter(gathering=g, status="registered").update(attended=True)
    return coordinator, round_, gatherings[0]


QUERY_PAGES = {
    "timeline": lambda r, g: reverse("interwork:timeline", args=[r.pk]),
    "gathering_detail": lambda r, g: detail_url(g),
    "checkin": lambda r, g: reverse("sessions_app:checkin", args=[g.pk]),
    "attendance": lambda r, g: reverse("sessions_app:attendance", args=[r.pk]),
}


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", list(QUERY_PAGES))
def test_query_count_constant_from_1x_to_10x(client, media, page):
    coordinator, round_, gathering = build_round(1)
    client.force_login(coordinator)
    small = count_queries(client, QUERY_PAGES[page](round_, gathering))
    coordinator, round_, gathering = build_round(10)
    assert gathering.registrations.filter(status="waiting").exists()
    client.force_login(coordinator)
    large = count_queries(client, QUERY_PAGES[page](round_, gathering))
    assert small == large, f"{page}: {small} queries at 1×, {large} at 10×"
