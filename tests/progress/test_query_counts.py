"""Pages that list things keep a constant number of queries as the data grows (1× and 10×)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from municipalities.models import RoleCategory

from ..factories import CoreGroupMemberFactory, ParticipantFactory, RegionFactory, RoundFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def build(scale: int, coordinator, national):
    region = RegionFactory()
    for _ in range(scale):
        round_ = RoundFactory(region=region)
        round_.regional_coordinators.add(coordinator, UserFactory())
        for _ in range(3):
            p = ParticipantFactory(round=round_, coordinator=UserFactory())
            CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ELECTED)
            CoreGroupMemberFactory(participant=p, role_category=RoleCategory.YOUTH)
    return region


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def pages(region, round_pk):
    participant = ParticipantFactory._meta.model.objects.filter(round_id=round_pk).order_by("pk").first()
    return {
        "round_list": reverse("programmes:round_list"),
        "region_list": reverse("programmes:region_list"),
        "region_detail": reverse("programmes:region_detail", args=[region.slug]),
        "home": reverse("home"),
        "round_detail": reverse("programmes:round_detail", args=[round_pk]),
        "participant_detail": reverse("municipalities:participant_detail", args=[participant.pk]),
    }


@pytest.mark.parametrize("page", ["round_list", "region_list", "region_detail", "home", "round_detail",
                                  "participant_detail"])
@pytest.mark.parametrize("who", ["regional_coordinator", "national_lead"])
def test_query_count_constant_from_1x_to_10x(client, page, who):
    coordinator = UserFactory(email="rc@test.example", is_staff=True)
    national = UserFactory(email="nl@test.example", is_national_lead=True, is_staff=True)
    client.force_login(coordinator if who == "regional_coordinator" else national)

    region = build(1, coordinator, national)
    round_pk = region.rounds.first().pk
    small = count_queries(client, pages(region, round_pk)[page])

    region = build(10, coordinator, national)
    # the round page of a round with 10× the participants
    big_round = region.rounds.first()
    for _ in range(27):
        p = ParticipantFactory(round=big_round)
        CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ADMINISTRATIVE)
    first = big_round.participants.order_by("pk").first()
    for _ in range(18):  # the participant page of a core group 10× as large
        CoreGroupMemberFactory(participant=first, role_category=RoleCategory.OTHER)
    large = count_queries(client, pages(region, big_round.pk)[page])
    assert small == large, f"{page}: {small} queries at 1×, {large} at 10×"


def test_min_side_query_count_does_not_grow_with_the_persons_participations(client):
    """A municipal coordinator of 1, 2 and 4 participants (in different rounds, each with mellomarbeid): Min
    side makes the same number of queries."""
    from ..interwork.factories import AssignmentFactory

    person = UserFactory(email="mc-mange@test.example")
    client.force_login(person)
    counts = []
    for n in (1, 2, 4):
        while ParticipantFactory._meta.model.objects.filter(coordinator=person).count() < n:
            round_ = RoundFactory()
            AssignmentFactory(round=round_)
            AssignmentFactory(round=round_)
            p = ParticipantFactory(round=round_, coordinator=person)
            CoreGroupMemberFactory(participant=p, role_category=RoleCategory.ELECTED)
        counts.append(count_queries(client, reverse("home")))
    assert counts[0] == counts[1] == counts[2], counts


@pytest.mark.postgres
@pytest.mark.django_db
def test_email_lookups_can_use_an_index():
    """``email__iexact`` (a person's calendar feed, Min side, the samling page) compares ``UPPER(email)``:
    registrations and core-group members have that index, so the lookup need not scan the table."""
    from django.db import connection

    from municipalities.models import CoreGroupMember
    from sessions_app.models import Registration

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for qs, index in [(Registration.objects.filter(email__iexact="kari@kommune.example"), "registration_email_upper"),
                          (CoreGroupMember.objects.filter(email__iexact="kari@kommune.example"),
                           "core_group_member_email_upper")]:
            sql, params = qs.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert index in plan, plan
