"""The mellomarbeid reminder sweep sent to two real workers at once, several times: exactly one reminder
per person and occasion is recorded and sent (embedded broker, and Redis)."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from interwork.models import Assignment
from programmes.models import Round

from ..absolutt.test_celery_worker import Broker, _not_eager, broker  # noqa: F401  (fixtures)
from ..factories import ParticipantFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_running_the_sweep_send_each_reminder_once(broker, tmp_path):  # noqa: F811
    mail_dir = tmp_path / "mail"
    broker.start_worker("w1", mail_dir)
    broker.start_worker("w2", mail_dir)
    round_ = RoundFactory(status=Round.Status.RUNNING)
    coordinators = [UserFactory(email=f"mc{i}@kommune.example") for i in range(3)]
    for c in coordinators:
        ParticipantFactory(round=round_, coordinator=c)
    Assignment.objects.create(round=round_, title="Fremtidsbilde", opens_at=timezone.now() - timedelta(days=10),
                              due_at=timezone.now() + timedelta(days=2))
    results = [broker.send("interwork.tasks.reminder_sweep") for _ in range(6)]
    totals = [r.get(timeout=90)["reminders"] for r in results]
    assert sum(totals) == 3, totals
    rows = OutgoingEmail.objects.filter(kind="assignment_reminder")
    assert sorted(rows.values_list("to", flat=True)) == sorted(c.email for c in coordinators)
    # the workers send the queued e-mails themselves (after the sweep's commit)
    deadline = time.monotonic() + 60
    while set(rows.values_list("status", flat=True)) != {"sent"} and time.monotonic() < deadline:
        time.sleep(0.2)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    sent = "".join(p.read_text() for p in mail_dir.iterdir())
    assert sent.count("Subject: ") == 3


def test_two_workers_running_the_samling_sweep_remind_each_person_once(broker, tmp_path):  # noqa: F811
    from sessions_app.models import Registration

    from ..sessions_app.factories import GatheringFactory

    broker.start_worker("w1", tmp_path / "mail")
    broker.start_worker("w2", tmp_path / "mail")
    round_ = RoundFactory(status=Round.Status.RUNNING)
    participant = ParticipantFactory(round=round_)
    start = timezone.now() + timedelta(hours=20)
    g = GatheringFactory(round=round_, starts_at=start, ends_at=start + timedelta(hours=5),
                         registration_deadline=start - timedelta(hours=2))
    for i in range(4):
        Registration.objects.create(gathering=g, participant=participant, name=f"P{i}", email=f"p{i}@k.example")
    results = [broker.send("sessions_app.tasks.reminder_sweep") for _ in range(6)]
    assert sum(r.get(timeout=90)["gathering"] for r in results) == 4
    rows = OutgoingEmail.objects.filter(kind="gathering_reminder")
    assert rows.count() == 4
    deadline = time.monotonic() + 60
    while set(rows.values_list("status", flat=True)) != {"sent"} and time.monotonic() < deadline:
        time.sleep(0.2)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
