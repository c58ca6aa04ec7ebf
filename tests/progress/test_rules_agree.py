"""One rulebook: every page that speaks about a participant's core group, open work or samlinger says the same
thing, because they all ask the same rule (``Participant.objects.with_composition()`` /
``CoreGroupComposition``, ``Submission.objects.open()/overdue()``, ``Gathering.effective_registration_deadline``,
``Gathering.objects.held()``).

The Molde case: the mayor, a core group member with a login, opened Min side and read "1 active member — no
administrative leader" while Molde's own page said the core group was complete (Min side's filter on the
mayor's own membership narrowed what was counted)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from interwork.models import Submission
from municipalities.models import RoleCategory
from programmes.models import Round
from programmes.selectors import rounds_for_list
from progress import overview as progress
from sessions_app.models import Gathering

from ..factories import CoreGroupMemberFactory, MunicipalityFactory, ParticipantFactory, UserFactory
from ..interwork.factories import AssignmentFactory, hour, submission
from ..sessions_app.factories import GatheringFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


@pytest.fixture
def molde(cast):
    round_ = cast.a.round
    mayor = UserFactory(email="ordforer@molde.example")
    molde = ParticipantFactory(round=round_, municipality=MunicipalityFactory(name="Molde"),
                               coordinator=UserFactory(email="koordinator@molde.example"))
    CoreGroupMemberFactory(participant=molde, email=mayor.email, user=mayor, role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=molde, role_category=RoleCategory.ADMINISTRATIVE)
    CoreGroupMemberFactory(participant=molde, role_category=RoleCategory.YOUTH)
    CoreGroupMemberFactory(participant=molde, role_category=RoleCategory.ADMINISTRATIVE, is_active=False)
    # Aukra: an elected official and a youth representative; the administrative leader has left.
    aukra = ParticipantFactory(round=round_, municipality=MunicipalityFactory(name="Aukra"))
    CoreGroupMemberFactory(participant=aukra, role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=aukra, role_category=RoleCategory.ADMINISTRATIVE, is_active=False)
    return {"round": round_, "mayor": mayor, "molde": molde, "aukra": aukra}


def min_side_composition(client, user, participant):
    client.force_login(user)
    own = client.get(reverse("home")).context["own_participants"]
    return next(p for p in own if p.pk == participant.pk).composition()


def participant_page_composition(client, user, participant):
    client.force_login(user)
    return client.get(reverse("municipalities:participant_detail", args=[participant.pk])).context["composition"]


def test_min_side_and_the_participant_page_agree_for_the_mayor(client, molde):
    for participant in (molde["molde"],):
        on_min_side = min_side_composition(client, molde["mayor"], participant)
        on_page = participant_page_composition(client, molde["mayor"], participant)
        assert vars(on_min_side) == vars(on_page) == {"active": 3, "elected": 1, "administrative": 1, "youth": 1}
        assert on_min_side.meets_rule and on_page.meets_rule


def test_every_page_agrees_on_who_lacks_a_required_role(client, cast, molde):
    rc = cast.a.regional_coordinator
    lacking = {p.pk for p in cast.a.round.participants.all() if not p.composition().meets_rule}
    assert molde["aukra"].pk in lacking and molde["molde"].pk not in lacking

    # Min side (the regional coordinator's "needs attention") and the participant pages.
    client.force_login(rc)
    attention = client.get(reverse("home")).context["needs_attention"]
    assert {p.pk for p in attention if not p.composition().meets_rule} == lacking
    for p in cast.a.round.participants.all():
        assert participant_page_composition(client, rc, p).meets_rule == (p.pk not in lacking)

    # The round list.
    assert rounds_for_list(Round.objects.filter(pk=cast.a.round.pk)).get().n_lacking == len(lacking)

    # The at-risk list, and the national composition shares.
    composition_reasons = {progress.Reason.NO_ELECTED, progress.Reason.NO_ADMINISTRATIVE}
    at_risk = {a.participant.pk for a in progress.participants_at_risk(Round.objects.filter(pk=cast.a.round.pk))
               if composition_reasons & set(a.reasons)}
    assert at_risk == lacking
    o = progress.round_overview(cast.a.round)
    n = len(o.participants)
    with_both = sum(1 for row in o.participants if row.has_elected and row.has_administrative)
    assert n - with_both == len(lacking)
    national = progress.national_overview(Round.objects.filter(pk=cast.a.round.pk)).measures
    assert national.with_administrative == sum(1 for p in cast.a.round.participants.all() if p.composition().administrative)


def test_open_and_overdue_work_is_one_rule(cast):
    p = cast.a.participant
    due = AssignmentFactory(round=cast.a.round, opens_at=hour(-10), due_at=hour(-1))
    s = submission(due, p)
    for status in Submission.Status.values:
        Submission.objects.filter(pk=s.pk).update(status=status)
        s.refresh_from_db()
        assert (s.pk in set(Submission.objects.open().values_list("pk", flat=True))) == s.is_open_work
        assert (s.pk in set(Submission.objects.overdue(timezone.now()).values_list("pk", flat=True))) == s.is_overdue
    # Returned work is open, and overdue once its due time has passed (the matrix and the reminders agree).
    Submission.objects.filter(pk=s.pk).update(status=Submission.Status.RETURNED)
    assert Submission.objects.overdue(timezone.now()).filter(pk=s.pk).exists()


def test_registration_deadline_and_held_samlinger_are_one_rule(cast):
    g = GatheringFactory(round=cast.a.round, registration_deadline=None)
    assert g.effective_registration_deadline == g.starts_at
    g.registration_deadline = g.starts_at - timedelta(days=2)
    assert g.effective_registration_deadline == g.registration_deadline
    now = g.ends_at
    assert g.is_held_at(now) and Gathering.objects.held(now).filter(pk=g.pk).exists()
    assert not Gathering.objects.coming(now).filter(pk=g.pk).exists()
