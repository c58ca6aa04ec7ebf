"""Mellomarbeid reminders from the beat sweep: the right people at the right times (also around the
daylight-saving changes), none after delivery, extensions respected, exactly once — with the sweep run
twice and with two real workers at once — and an e-mail actually delivered over SMTP."""

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.services import email_send
from interwork import reminders, services
from interwork.models import Assignment, Submission
from municipalities.models import RoleCategory
from programmes.models import Round

from ..factories import CoreGroupMemberFactory, ParticipantFactory, RoundFactory, UserFactory

OSLO = ZoneInfo("Europe/Oslo")
pytestmark = pytest.mark.django_db


def oslo(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=OSLO)


@pytest.fixture
def setup():
    rc = UserFactory(email="rc@ks.example")
    round_ = RoundFactory(status=Round.Status.RUNNING, starts_on=timezone.now().date() - timedelta(days=400),
                          ends_on=timezone.now().date() + timedelta(days=800), signup_deadline=None)
    round_.regional_coordinators.add(rc)
    mc = UserFactory(email="mc@kommune.example")
    participant = ParticipantFactory(round=round_, coordinator=mc)
    return round_, participant, mc, rc


def make_assignment(round_, due, **kw):
    return Assignment.objects.create(round=round_, title="Ståstedsanalyse", opens_at=due - timedelta(days=60), due_at=due, **kw)


def sweep(at):
    return reminders.assignment_reminders_due(now=at)


def kinds(to=None):
    qs = OutgoingEmail.objects.order_by("pk")
    if to:
        qs = qs.filter(to=to)
    return [(e.kind, e.to) for e in qs]


@pytest.mark.parametrize("due", [oslo(2027, 3, 28, 23, 59), oslo(2027, 10, 31, 23, 59)],
                         ids=["last-sunday-of-march", "last-sunday-of-october"])
def test_reminder_times_around_daylight_saving_change(setup, due):
    round_, participant, mc, rc = setup
    make_assignment(round_, due)
    assert sweep(due - timedelta(days=7, minutes=1)) == 0
    assert sweep(due - timedelta(days=7)) == 1                      # the 7-day reminder
    assert sweep(due - timedelta(days=3)) == 0                      # nothing new in between
    assert sweep(due - timedelta(days=1)) == 1                      # the 1-day reminder
    # overdue: 08:00 Oslo time on the day after the due date — whatever the UTC offset is that day
    morning = oslo(2027, 3, 29, 8) if due.month == 3 else oslo(2027, 11, 1, 8)
    assert sweep(morning - timedelta(minutes=1)) == 0
    assert sweep(morning) == 1
    escalation = morning + timedelta(days=round_.escalation_days - 1)
    assert timezone.localtime(escalation, OSLO).hour == 8
    assert sweep(escalation - timedelta(minutes=1)) == 0
    assert sweep(escalation) == 1
    assert kinds() == [("assignment_reminder", mc.email), ("assignment_reminder", mc.email),
                       ("assignment_overdue", mc.email), ("assignment_escalation", rc.email)]


def test_sweep_twice_sends_once(setup):
    round_, participant, mc, rc = setup
    due = timezone.now() + timedelta(days=3)
    make_assignment(round_, due)
    now = timezone.now()
    assert sweep(now) == 1
    assert sweep(now) == 0
    assert sweep(now + timedelta(minutes=5)) == 0
    assert OutgoingEmail.objects.count() == 1


def test_only_the_nearest_reminder_after_downtime(setup):
    round_, participant, mc, rc = setup
    due = oslo(2027, 5, 10, 23, 59)
    make_assignment(round_, due)
    assert sweep(due - timedelta(hours=12)) == 1  # the beat was down for the 7-day one: only the 1-day one goes
    assert OutgoingEmail.objects.get().dedupe_key.endswith(f":1:{mc.email}")


@pytest.mark.parametrize("status", [Submission.Status.DELIVERED, Submission.Status.APPROVED])
def test_no_reminders_after_delivery(setup, status):
    round_, participant, mc, rc = setup
    due = oslo(2027, 5, 10, 23, 59)
    a = make_assignment(round_, due)
    Submission.objects.create(assignment=a, participant=participant, status=status, last_delivered_at=due - timedelta(days=9))
    for at in (due - timedelta(days=7), due - timedelta(days=1), oslo(2027, 5, 11, 9), oslo(2027, 5, 14, 9)):
        assert sweep(at) == 0
    assert OutgoingEmail.objects.count() == 0


def test_extension_moves_the_reminders(setup):
    round_, participant, mc, rc = setup
    due = oslo(2027, 5, 10, 23, 59)
    a = make_assignment(round_, due)
    submission = services.submission_for(assignment=a, participant=participant)
    new_due = oslo(2027, 5, 20, 23, 59)
    services.extension_grant(submission=submission, new_due_at=new_due, reason="Kommunestyremøte", by_user=rc)
    assert sweep(due - timedelta(days=1)) == 0           # the original 1-day reminder is not sent
    assert sweep(oslo(2027, 5, 11, 8)) == 0              # nor is the overdue notice for the original time
    assert sweep(new_due - timedelta(days=1)) == 1       # the new time counts
    assert sweep(oslo(2027, 5, 21, 8)) == 1              # overdue relative to the new time
    assert [k for k, _to in kinds()] == ["assignment_reminder", "assignment_overdue"]


def test_core_group_copied_on_last_reminder_when_round_says_so(setup):
    round_, participant, mc, rc = setup
    round_.copy_core_group_on_last_reminder = True
    round_.save()
    CoreGroupMemberFactory(participant=participant, email="ordforer@kommune.example", role_category=RoleCategory.ELECTED)
    CoreGroupMemberFactory(participant=participant, email="gone@kommune.example", is_active=False)
    due = oslo(2027, 5, 10, 23, 59)
    make_assignment(round_, due)
    sweep(due - timedelta(days=7))
    assert kinds() == [("assignment_reminder", mc.email)]
    sweep(due - timedelta(days=1))
    assert sorted(kinds()[1:]) == [("assignment_reminder", mc.email), ("assignment_reminder", "ordforer@kommune.example")]


def test_reminders_follow_round_settings(setup):
    round_, participant, mc, rc = setup
    round_.assignment_reminder_days = "3"
    round_.overdue_notice = False
    round_.escalation_days = None
    round_.save()
    due = oslo(2027, 5, 10, 23, 59)
    make_assignment(round_, due)
    assert sweep(due - timedelta(days=7)) == 0
    assert sweep(due - timedelta(days=3)) == 1
    assert sweep(oslo(2027, 5, 11, 9)) == 0
    assert sweep(oslo(2027, 5, 20, 9)) == 0


def test_reminder_is_logged_on_the_matrix(setup, client, mfa_relaxed):
    round_, participant, mc, rc = setup
    due = timezone.now() + timedelta(hours=20)
    make_assignment(round_, due)
    sweep(timezone.now())
    client.force_login(rc)
    from django.urls import reverse

    page = client.get(reverse("interwork:round_work", args=[round_.pk])).content.decode()
    assert "påminnet én gang" in page or "reminded once" in page


def test_reminder_email_in_norwegian_with_direct_link(setup, django_capture_on_commit_callbacks):
    round_, participant, mc, rc = setup
    due = oslo(2027, 3, 28, 23, 59)
    a = make_assignment(round_, due)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(due - timedelta(days=1))
    message = mail.outbox[0]
    assert "søndag 28. mars 2027 23:59" in message.body
    assert f"/mellomarbeid/{a.pk}/deltakere/{participant.pk}/" in message.body
    assert message.alternatives and "<a href" in message.alternatives[0][0]


def test_digest_once_a_day_and_weekly_on_mondays(setup):
    round_, participant, mc, rc = setup
    make_assignment(round_, oslo(2027, 5, 12, 23, 59))
    monday, tuesday = oslo(2027, 5, 10, 7, 30), oslo(2027, 5, 11, 7, 30)
    assert reminders.digests_due(now=oslo(2027, 5, 10, 6, 59)) == 0  # before 07:00
    assert reminders.digests_due(now=monday) == 1
    assert reminders.digests_due(now=monday + timedelta(hours=3)) == 0
    rc.digest = "weekly"
    rc.save()
    assert reminders.digests_due(now=tuesday) == 0
    rc.digest = "off"
    rc.save()
    assert reminders.digests_due(now=oslo(2027, 5, 17, 8)) == 0


def test_email_delivered_over_smtp_to_a_local_server(settings, db):
    from aiosmtpd.controller import Controller

    received = []
    done = threading.Event()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            done.set()
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        row = OutgoingEmail.objects.create(to="mc@kommune.example", subject="Påminnelse: frist i morgen",
                                           body_text="Hei!", body_html="<p>Hei!</p>")
        assert email_send(email_id=row.pk) is True
        assert done.wait(10)
    finally:
        controller.stop()
    (rcpts, content), = received
    assert rcpts == ["mc@kommune.example"]
    assert "Subject: =?utf-8?q?P=C3=A5minnelse" in content or "Påminnelse" in content
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT
