"""Samling reminders from the beat sweep: to registered people before the samling (the round's offset),
to coordinators of participants who registered nobody before the deadline; once per person and occasion,
never to cancelled or waiting people; a moved samling gets a fresh reminder."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from sessions_app import reminders, services, tasks
from sessions_app.models import Registration

from .gathering_factories import AgendaItemFactory, GatheringFactory, RegistrationFactory, oslo

pytestmark = pytest.mark.django_db


def test_reminder_to_registered_only_once_within_the_rounds_offset(cast):
    g = GatheringFactory(round=cast.a.round, starts_at=oslo(2027, 3, 26, 10), ends_at=oslo(2027, 3, 29, 15),
                         registration_deadline=oslo(2027, 3, 15, 12))
    AgendaItemFactory(gathering=g, starts_at=oslo(2027, 3, 26, 10, 30), title="Ståstedsanalyse i praksis")
    ok = RegistrationFactory(gathering=g, participant=cast.a.participant, email="ok@k.example")
    RegistrationFactory(gathering=g, participant=cast.a.participant, email="wait@k.example", status=Registration.Status.WAITING)
    RegistrationFactory(gathering=g, participant=cast.a.participant, email="gone@k.example", status=Registration.Status.CANCELLED)
    before = g.starts_at - timedelta(hours=48)
    assert reminders.gathering_reminders_due(now=before - timedelta(minutes=1)) == 0
    assert reminders.gathering_reminders_due(now=before) == 1
    assert reminders.gathering_reminders_due(now=before + timedelta(hours=1)) == 0
    assert reminders.gathering_reminders_due(now=g.starts_at + timedelta(minutes=1)) == 0
    row = OutgoingEmail.objects.get(kind="gathering_reminder")
    assert row.to == ok.email and row.topic == f"gathering:{g.pk}"
    # local time (the samling is before the change to summer time on 28 March) and the agenda
    assert "10:00" in row.body_text and "10:30 Ståstedsanalyse i praksis" in row.body_text


def test_round_offset_is_configurable(cast):
    cast.a.round.gathering_reminder_hours = 24
    cast.a.round.save()
    g = GatheringFactory(round=cast.a.round)
    RegistrationFactory(gathering=g, participant=cast.a.participant)
    assert reminders.gathering_reminders_due(now=g.starts_at - timedelta(hours=30)) == 0
    assert reminders.gathering_reminders_due(now=g.starts_at - timedelta(hours=24)) == 1


def test_moved_samling_gets_a_fresh_reminder(cast):
    g = GatheringFactory(round=cast.a.round)
    RegistrationFactory(gathering=g, participant=cast.a.participant)
    assert reminders.gathering_reminders_due(now=g.starts_at - timedelta(hours=47)) == 1
    new_start = g.starts_at + timedelta(days=7)
    services.gathering_update(gathering=g, data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=6),
                                                 "registration_deadline": g.registration_deadline})
    g.refresh_from_db()
    assert reminders.gathering_reminders_due(now=g.starts_at - timedelta(hours=47)) == 1
    assert OutgoingEmail.objects.filter(kind="gathering_reminder").count() == 2


def test_deadline_reminder_only_to_coordinators_of_participants_with_nobody_registered(cast):
    g = GatheringFactory(round=cast.a.round)
    # side a's participant has a registration; the other participant has no coordinator: give it one
    cast.a.other_participant.coordinator = cast.outsider
    cast.a.other_participant.save()
    RegistrationFactory(gathering=g, participant=cast.a.participant)
    window = g.registration_deadline - timedelta(days=cast.a.round.registration_reminder_days)
    assert reminders.registration_deadline_reminders_due(now=window - timedelta(minutes=1)) == 0
    assert reminders.registration_deadline_reminders_due(now=window) == 1
    assert reminders.registration_deadline_reminders_due(now=window + timedelta(hours=2)) == 0
    assert reminders.registration_deadline_reminders_due(now=g.registration_deadline + timedelta(minutes=1)) == 0
    assert list(OutgoingEmail.objects.filter(kind="registration_deadline_reminder").values_list("to", flat=True)) == [
        cast.outsider.email]


def test_task_runs_all_sweeps_and_sends_after_commit(cast, django_capture_on_commit_callbacks):
    g = GatheringFactory(round=cast.a.round, starts_at=timezone.now() + timedelta(hours=20))
    g.ends_at = g.starts_at + timedelta(hours=4)
    g.registration_deadline = g.starts_at - timedelta(hours=1)
    g.save()
    RegistrationFactory(gathering=g, participant=cast.a.participant, email="p@k.example")
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.reminder_sweep()
    assert result["gathering"] == 1
    assert [m.to for m in mail.outbox] == [["p@k.example"]]


def test_beat_schedule_has_the_sweeps(settings):
    tasks_scheduled = {v["task"] for v in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"sessions_app.tasks.reminder_sweep", "interwork.tasks.reminder_sweep",
            "absolutt.notifications.tasks.outbox_sweep"} <= tasks_scheduled
