"""The access policy reads a person's role memberships once per request (``access.memberships``: one query for
all four kinds), and a write in between is seen at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from absolutt import access
from municipalities.models import RoleCategory

from ..factories import CoreGroupMemberFactory, ParticipantFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_every_kind_of_membership_is_found(cast):
    a = cast.a
    inactive = UserFactory(email="sluttet@test.example")
    CoreGroupMemberFactory(participant=a.other_participant, user=inactive, is_active=False)
    assert access.memberships(a.regional_coordinator).coordinated_rounds == {a.round.pk}
    assert access.memberships(a.competence_partner).partner_rounds == {a.round.pk}
    assert access.memberships(a.municipal_coordinator).coordinated_participants == {a.participant.pk}
    member = access.memberships(a.core_group_member)
    assert member.member_participants == {a.participant.pk} and member.own_rounds == {a.round.pk}
    assert access.memberships(inactive) == access.NO_MEMBERSHIPS
    assert access.memberships(cast.outsider) == access.NO_MEMBERSHIPS


def test_a_requests_decisions_ask_the_database_once(cast):
    a = cast.a
    user = a.regional_coordinator
    with CaptureQueriesContext(connection) as ctx:
        assert access.can_manage_round(user, a.round) and access.can_review(user, a.round)
        assert access.roles_of(user).regional_coordinator and access.requires_second_factor(user)
        assert not access.can_manage_round(user, cast.b.round)
        access.visible_rounds(user), access.visible_participants(user), access.managed_rounds(user)
    assert len(ctx.captured_queries) == 1


def test_a_new_membership_is_seen_at_once_by_the_same_user_object(cast):
    user = UserFactory(email="ny-koordinator@test.example")
    round_ = RoundFactory()
    assert not access.can_manage_round(user, round_) and not access.roles_of(user).any
    round_.regional_coordinators.add(user)
    assert access.can_manage_round(user, round_) and round_ in access.visible_rounds(user)
    participant = ParticipantFactory(round=cast.a.round)
    member = CoreGroupMemberFactory(participant=participant, user=user, role_category=RoleCategory.YOUTH)
    assert access.can_edit_submission(user, participant)
    member.is_active = False
    member.save()
    assert not access.can_edit_submission(user, participant)
    round_.regional_coordinators.remove(user)
    assert not access.can_manage_round(user, round_)


@pytest.mark.postgres
def test_the_memberships_query_uses_an_index_for_each_kind(cast):
    """It runs on nearly every request: each of its four parts finds the person's rows by index."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + access._memberships_sql(), [cast.a.core_group_member.pk] * 4)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    for table in ("programmes_round_regional_coordinators", "programmes_round_competence_partners",
                  "municipalities_participant", "municipalities_coregroupmember"):
        assert f" on {table}" in plan, plan


def test_sees_every_participant_agrees_with_visible_participants(cast):
    """A cached page's scope says "every participant" instead of listing them only for those who do see them
    all (tests/progress/test_page_caching.py shows the pages keep viewers apart)."""
    users = [cast.national_lead, cast.outsider] + [getattr(side, role) for side in (cast.a, cast.b) for role in (
        "regional_coordinator", "competence_partner", "municipal_coordinator", "core_group_member")]
    for user in users:
        for round_ in (cast.a.round, cast.b.round):
            everyone = set(round_.participants.values_list("pk", flat=True))
            seen = set(access.visible_participants(user).filter(round=round_).values_list("pk", flat=True))
            assert access.sees_every_participant(user, round_) == (seen == everyone), (user.email, round_.title)
