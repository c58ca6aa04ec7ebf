""""Send påminnelse": a regional coordinator reminds chosen participants of one assignment by hand, after a
preview; it reaches the coordinator (or the core group's administrative leader), skips delivered work with
the reason, is listed with the work's reminders, and is not for anyone else."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.selectors import emails_about
from interwork.models import Submission
from municipalities.models import RoleCategory

from ..factories import CoreGroupMemberFactory, ParticipantFactory
from ..interwork.factories import AssignmentFactory, sub_url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def form(assignment, participants, **extra):
    return {"assignment": assignment.pk, "participants": [p.pk for p in participants], "message": "Husk fristen!",
            **extra}


def test_regional_coordinator_previews_and_sends_a_reminder_by_hand(client, cast, django_capture_on_commit_callbacks):
    a = cast.a
    assignment = AssignmentFactory(round=a.round, title="Ståstedsanalyse", due_at=timezone.now() + timedelta(days=10))
    no_coordinator = ParticipantFactory(round=a.round, coordinator=None)
    CoreGroupMemberFactory(participant=no_coordinator, email="radmann@kommune.example",
                           role_category=RoleCategory.ADMINISTRATIVE)
    Submission.objects.create(assignment=assignment, participant=a.other_participant,
                              status=Submission.Status.DELIVERED, last_delivered_at=timezone.now())
    client.force_login(a.regional_coordinator)
    url = reverse("interwork:nudge", args=[a.round.pk])
    assert "Send påminnelse" in client.get(reverse("interwork:round_work", args=[a.round.pk])).content.decode()

    chosen = [a.participant, no_coordinator, a.other_participant]
    page = client.post(url, form(assignment, chosen, preview="1")).content.decode()
    assert "Forhåndsvisning" in page and "Husk fristen!" in page and "Ståstedsanalyse" in page
    assert a.municipal_coordinator.email in page and "radmann@kommune.example" in page and "levert" in page
    assert not OutgoingEmail.objects.exists()  # a preview sends nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form(assignment, chosen, send="1"), follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "Påminnelser sendt: 2." in body
    assert f"Ikke sendt til {a.other_participant.name}: levert." in body
    sent = OutgoingEmail.objects.filter(kind="assignment_nudge")
    assert sorted(sent.values_list("to", flat=True)) == sorted([a.municipal_coordinator.email, "radmann@kommune.example"])
    assert {m.to[0] for m in mail.outbox} == {a.municipal_coordinator.email, "radmann@kommune.example"}
    assert all("Husk fristen!" in m.body for m in mail.outbox)
    # a double click sends nothing more
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form(assignment, chosen, send="1"))
    assert sent.count() == 2
    # listed in the work's reminder history and counted on the matrix
    history = client.get(sub_url("submission_detail", assignment, a.participant)).content.decode()
    assert "Påminnelse sendt manuelt" in history
    matrix = client.get(reverse("interwork:round_work", args=[a.round.pk])).content.decode()
    assert "påminnet én gang" in matrix


def test_reminder_by_hand_is_for_the_rounds_managers_only(client, cast):
    a = cast.a
    assignment = AssignmentFactory(round=a.round)
    url = reverse("interwork:nudge", args=[a.round.pk])
    client.force_login(cast.b.regional_coordinator)
    assert client.post(url, form(assignment, [a.participant], send="1")).status_code == 404
    for user in (a.municipal_coordinator, a.competence_partner):
        client.force_login(user)
        assert client.post(url, form(assignment, [a.participant], send="1")).status_code in (403, 404)
    assert not OutgoingEmail.objects.exists()


def test_reminder_by_hand_about_a_samling_reaches_the_registered_or_asks_the_coordinator_to_register(
        client, cast, django_capture_on_commit_callbacks):
    from sessions_app.models import Registration

    from ..sessions_app.factories import GatheringFactory

    a = cast.a
    g = GatheringFactory(round=a.round, title="Fellessamling 2", starts_at=timezone.now() + timedelta(days=5),
                         ends_at=timezone.now() + timedelta(days=5, hours=6))
    Registration.objects.create(gathering=g, participant=a.participant, name="Påmeldt", email="pameldt@kommune.example")
    nobody = ParticipantFactory(round=a.round, coordinator=None)
    client.force_login(a.regional_coordinator)
    url = reverse("interwork:nudge", args=[a.round.pk])
    chosen = [a.participant, a.other_participant, nobody]
    data = {"gathering": g.pk, "participants": [p.pk for p in chosen], "message": ""}
    page = client.post(url, {**data, "preview": "1"}).content.decode()
    assert "Forhåndsvisning" in page and "Fellessamling 2" in page and "pameldt@kommune.example" in page
    assert "ingen påmeldte og ingen koordinator" in page
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(url, {**data, "send": "1"}, follow=True).content.decode()
    assert "Påminnelser sendt: 1." in body
    sent = emails_about(g).filter(kind="gathering_nudge")
    assert sorted(sent.values_list("to", flat=True)) == ["pameldt@kommune.example"]
    # a.other_participant has no coordinator in the cast; add one and the coordinator is asked to register
    a.other_participant.coordinator = a.municipal_coordinator
    a.other_participant.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "participants": [a.other_participant.pk], "send": "1"})
    asked = sent.get(to=a.municipal_coordinator.email)
    assert "Fellessamling 2" in asked.body_text and "#pamelding" in asked.body_text
    # listed with the samling's reminders
    assert "pameldt@kommune.example" in client.get(g.get_absolute_url()).content.decode()


def test_reminder_by_hand_needs_exactly_one_of_assignment_or_samling(client, cast):
    client.force_login(cast.a.regional_coordinator)
    page = client.post(reverse("interwork:nudge", args=[cast.a.round.pk]),
                       {"participants": [cast.a.participant.pk], "send": "1"}).content.decode()
    assert "Velg enten et mellomarbeid eller en samling." in page
    assert not OutgoingEmail.objects.exists()
