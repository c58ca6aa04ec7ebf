"""Samling reminders from the beat sweep (sessions_app.reminders): before the samling to registered people
(the round's offset), before the registration deadline to coordinators whose participant registered
nobody. Once per person and occasion (the outbox row's unique key), after commit, never to cancelled or
waiting people, and never once the window has closed. Also with two real workers running the sweep at
once, on the embedded broker and on Redis."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from programmes.models import Round
from sessions_app import reminders, services, tasks
from sessions_app.models import Gathering, Registration

from ..factories import ParticipantFactory, RoundFactory, UserFactory
from ..sessions_app.factories import AgendaItemFactory, GatheringFactory, RegistrationFactory, oslo

REMINDER = "gathering_reminder"
DEADLINE = "registration_deadline_reminder"


def sent_to(kind: str) -> list[str]:
    return sorted(OutgoingEmail.objects.filter(kind=kind).values_list("to", flat=True))


def samling(round_=None, *, start, ends=None, **kwargs) -> Gathering:
    kwargs.setdefault("registration_deadline", start - timedelta(days=7))
    return GatheringFactory(round=round_ or RoundFactory(), starts_at=start, ends_at=ends or start + timedelta(hours=6),
                            **kwargs)


# --- Before the samling --------------------------------------------------------------------------

@pytest.mark.django_db
def test_registered_people_are_reminded_once_even_when_the_sweep_runs_twice(django_capture_on_commit_callbacks):
    g = samling(start=oslo(2027, 5, 20, 10))
    a = RegistrationFactory(gathering=g, email="a@kommune.example")
    b = RegistrationFactory(gathering=g, participant=a.participant, email="B@Kommune.example")
    now = g.starts_at - timedelta(hours=40)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reminders.gathering_reminders_due(now=now) == 2
        assert reminders.gathering_reminders_due(now=now) == 0
        assert reminders.gathering_reminders_due(now=now + timedelta(hours=10)) == 0
    assert len(callbacks) == 2  # the send task is started after commit, once per row
    assert sorted(m.to[0] for m in mail.outbox) == ["B@Kommune.example", "a@kommune.example"]
    rows = OutgoingEmail.objects.filter(kind=REMINDER)
    assert {r.about for r in rows} == {g} and {r.status for r in rows} == {"sent"}
    assert {r.dedupe_key for r in rows} == {f"gathering-reminder:{g.pk}:202705200800:{a.email}",
                                            f"gathering-reminder:{g.pk}:202705200800:b@kommune.example"}
    assert b.email == "B@Kommune.example"  # the address is kept as written; the key ignores case


@pytest.mark.django_db
def test_cancelled_and_waiting_people_are_never_reminded():
    g = samling(start=oslo(2027, 5, 20, 10))
    ok = RegistrationFactory(gathering=g, email="ok@kommune.example")
    RegistrationFactory(gathering=g, participant=ok.participant, email="wait@kommune.example",
                        status=Registration.Status.WAITING)
    RegistrationFactory(gathering=g, participant=ok.participant, email="gone@kommune.example",
                        status=Registration.Status.CANCELLED)
    for hours in (47, 30, 1):
        reminders.gathering_reminders_due(now=g.starts_at - timedelta(hours=hours))
    assert sent_to(REMINDER) == ["ok@kommune.example"]


@pytest.mark.django_db
def test_promoted_from_the_waiting_list_inside_the_window_is_reminded_at_the_next_sweep():
    g = samling(start=oslo(2027, 5, 20, 10))
    waiting = RegistrationFactory(gathering=g, email="wait@kommune.example", status=Registration.Status.WAITING)
    assert reminders.gathering_reminders_due(now=g.starts_at - timedelta(hours=40)) == 0
    Registration.objects.filter(pk=waiting.pk).update(status=Registration.Status.REGISTERED)
    assert reminders.gathering_reminders_due(now=g.starts_at - timedelta(hours=39)) == 1


@pytest.mark.django_db
def test_no_reminder_before_the_window_and_none_once_the_samling_has_started():
    g = samling(start=oslo(2027, 5, 20, 10))
    RegistrationFactory(gathering=g, email="early@kommune.example")
    window = g.starts_at - timedelta(hours=48)
    assert reminders.gathering_reminders_due(now=window - timedelta(minutes=1)) == 0
    assert reminders.gathering_reminders_due(now=window) == 1
    # someone registered late, and the beat was down until the samling had started: nothing
    RegistrationFactory(gathering=g, email="late@kommune.example")
    assert reminders.gathering_reminders_due(now=g.starts_at) == 0
    assert reminders.gathering_reminders_due(now=g.starts_at + timedelta(hours=1)) == 0
    assert sent_to(REMINDER) == ["early@kommune.example"]


@pytest.mark.django_db
def test_a_late_sweep_catches_up_until_the_start():
    g = samling(start=oslo(2027, 5, 20, 10))
    RegistrationFactory(gathering=g, email="p@kommune.example")
    assert reminders.gathering_reminders_due(now=g.starts_at - timedelta(minutes=1)) == 1


@pytest.mark.django_db
def test_the_offset_is_the_rounds_own():
    start = oslo(2027, 5, 20, 10)
    short = samling(RoundFactory(gathering_reminder_hours=24), start=start)
    default = samling(RoundFactory(), start=start)
    off = samling(RoundFactory(gathering_reminder_hours=0), start=start)
    RegistrationFactory(gathering=short, email="short@kommune.example")
    RegistrationFactory(gathering=default, email="default@kommune.example")
    RegistrationFactory(gathering=off, email="off@kommune.example")
    assert default.round.gathering_reminder_hours == 48
    assert reminders.gathering_reminders_due(now=start - timedelta(hours=30)) == 1
    assert sent_to(REMINDER) == ["default@kommune.example"]
    assert reminders.gathering_reminders_due(now=start - timedelta(hours=25)) == 0
    assert reminders.gathering_reminders_due(now=start - timedelta(hours=24)) == 1
    assert reminders.gathering_reminders_due(now=start - timedelta(minutes=5)) == 0
    assert sent_to(REMINDER) == ["default@kommune.example", "short@kommune.example"]


# Moving a samling. The time is part of the occasion's key; a reminder queued inside the window of the
# samling's current time still stands (the "moved" notice gave the new time), an older one does not.
# These tests use real "now", because whether a reminder stands depends on when its row was written.

@pytest.mark.django_db
def test_samling_moved_a_week_later_reminds_again_before_the_new_time():
    now = timezone.now()
    g = samling(start=now + timedelta(hours=20), registration_deadline=now + timedelta(hours=2))
    RegistrationFactory(gathering=g, email="p@kommune.example")
    assert reminders.gathering_reminders_due(now=now) == 1
    new_start = g.starts_at + timedelta(days=7)
    g = services.gathering_update(gathering=g, data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=6)})
    assert sent_to("gathering_moved") == ["p@kommune.example"]
    assert reminders.gathering_reminders_due(now=now + timedelta(minutes=5)) == 0
    assert reminders.gathering_reminders_due(now=new_start - timedelta(hours=49)) == 0
    assert reminders.gathering_reminders_due(now=new_start - timedelta(hours=47)) == 1
    assert reminders.gathering_reminders_due(now=new_start - timedelta(hours=46)) == 0
    old, new = OutgoingEmail.objects.filter(kind=REMINDER).order_by("pk")
    assert old.dedupe_key != new.dedupe_key and reminders.stamp(new_start) in new.dedupe_key
    local = timezone.localtime(new_start, reminders.OSLO)
    assert local.strftime("%H:%M") in new.body_text and f"{local.day}. " in new.body_text


@pytest.mark.django_db
def test_samling_moved_by_an_hour_inside_the_window_is_not_reminded_twice():
    now = timezone.now()
    g = samling(start=now + timedelta(hours=20), registration_deadline=now + timedelta(hours=2))
    RegistrationFactory(gathering=g, email="p@kommune.example")
    assert reminders.gathering_reminders_due(now=now) == 1
    new_start = g.starts_at + timedelta(hours=1)
    services.gathering_update(gathering=g, data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=6)})
    assert reminders.gathering_reminders_due(now=now + timedelta(minutes=5)) == 0
    assert reminders.gathering_reminders_due(now=new_start - timedelta(minutes=5)) == 0
    assert sent_to(REMINDER) == ["p@kommune.example"] and sent_to("gathering_moved") == ["p@kommune.example"]


@pytest.mark.django_db
def test_samling_moved_earlier_into_the_window_is_reminded_at_once():
    now = timezone.now()
    g = samling(start=now + timedelta(days=10), registration_deadline=now + timedelta(hours=2))
    RegistrationFactory(gathering=g, email="p@kommune.example")
    assert reminders.gathering_reminders_due(now=now) == 0
    new_start = now + timedelta(hours=30)
    services.gathering_update(gathering=g, data={"starts_at": new_start, "ends_at": new_start + timedelta(hours=6)})
    assert reminders.gathering_reminders_due(now=now) == 1


# --- What the reminder says -----------------------------------------------------------------------

@pytest.mark.django_db
def test_reminder_shows_oslo_time_agenda_place_and_link_in_the_recipients_language(settings):
    settings.SITE_URL = "https://absolutt.example"
    # 26 March is still winter time (UTC+1); summer time starts on 28 March 2027 (UTC+2)
    g = samling(start=oslo(2027, 3, 26, 10), ends=oslo(2027, 3, 29, 15), title="Fellessamling 2 i Molde", venue="Scandic Seilet, Molde")
    assert g.ends_at == oslo(2027, 3, 29, 15)
    AgendaItemFactory(gathering=g, starts_at=oslo(2027, 3, 26, 10, 30), title="Ståstedsanalyse i praksis", speaker="NTNU")
    AgendaItemFactory(gathering=g, starts_at=oslo(2027, 3, 29, 9), title="Erfaringsdeling", speaker="")
    UserFactory(email="en@kommune.example", language="en")
    en = RegistrationFactory(gathering=g, email="en@kommune.example", name="Kari Nordmann")
    RegistrationFactory(gathering=g, participant=en.participant, email="nb@kommune.example")
    assert reminders.gathering_reminders_due(now=oslo(2027, 3, 25, 9)) == 2
    row = OutgoingEmail.objects.get(to="en@kommune.example")
    assert row.subject == "Reminder: Fellessamling 2 i Molde Friday 26. March 10:00"
    text = row.body_text
    assert "Hello Kari Nordmann, welcome to Fellessamling 2 i Molde." in text
    assert "When: Friday 26. March 2027 10:00–Monday 29. March 2027 15:00" in text
    assert "Venue: Scandic Seilet, Molde" in text
    assert "Friday 26. March\n10:30 Ståstedsanalyse i praksis – NTNU\n" in text
    assert "Monday 29. March\n09:00 Erfaringsdeling\n" in text  # 07:00 UTC, after the change
    assert f"https://absolutt.example{g.get_absolute_url()}\n" in text
    assert "Video link" not in text
    assert "10:30" in row.body_html and "Ståstedsanalyse i praksis" in row.body_html and "<table>" in row.body_html
    assert "<script" not in row.body_html
    nb = OutgoingEmail.objects.get(to="nb@kommune.example")
    assert "fredag 26. mars 2027 10:00" in nb.body_text and "10:30 Ståstedsanalyse i praksis" in nb.body_text


@pytest.mark.django_db
def test_video_link_only_for_a_samling_with_video_and_cancelling_explained_after_the_deadline():
    start = oslo(2027, 5, 20, 10)
    digital = samling(start=start, format=Gathering.Format.HYBRID, video_link="https://teams.example/m/123",
                      organisers="KS Agder")
    physical = samling(start=start, video_link="https://teams.example/old")  # a stale link on a physical one
    UserFactory(email="d@kommune.example", language="en")
    UserFactory(email="p@kommune.example", language="en")
    RegistrationFactory(gathering=digital, email="d@kommune.example")
    RegistrationFactory(gathering=physical, email="p@kommune.example")
    assert reminders.gathering_reminders_due(now=start - timedelta(hours=47)) == 2
    d = OutgoingEmail.objects.get(to="d@kommune.example").body_text
    p = OutgoingEmail.objects.get(to="p@kommune.example").body_text
    assert "Video link: https://teams.example/m/123" in d and "teams.example" not in p
    # the deadline (a week before) has passed: the page no longer lets them cancel themselves
    assert "Please tell the organisers" in d and "Organisers: KS Agder" in d and "Cancel on the samling" not in d


@pytest.mark.django_db
def test_an_address_too_long_for_the_key_column_is_still_reminded_once():
    g = samling(start=oslo(2027, 5, 20, 10))
    email = "a" * 64 + "@" + ("sub" + "d" * 56 + ".") * 2 + "kommune.example"  # 200 characters: valid
    assert len(email) == 200 and len(f"gathering-reminder:{g.pk}:202705200800:{email}") > 200
    RegistrationFactory(gathering=g, email=email)
    now = g.starts_at - timedelta(hours=40)
    assert reminders.gathering_reminders_due(now=now) == 1
    assert reminders.gathering_reminders_due(now=now) == 0
    row = OutgoingEmail.objects.get(kind=REMINDER)
    assert row.to == email and len(row.dedupe_key) <= 200 and "sha256:" in row.dedupe_key


# --- Before the registration deadline ------------------------------------------------------------

@pytest.mark.django_db
def test_deadline_reminder_only_to_coordinators_whose_participant_registered_nobody():
    round_ = RoundFactory()
    g = samling(round_, start=oslo(2027, 5, 20, 10), registration_deadline=oslo(2027, 5, 10, 12))
    nobody = UserFactory(email="nobody@kommune.example")
    p_nobody = ParticipantFactory(round=round_, coordinator=nobody)
    p_nobody_2 = ParticipantFactory(round=round_, coordinator=nobody)  # one coordinator, two participants
    p_some = ParticipantFactory(round=round_, coordinator=UserFactory(email="some@kommune.example"))
    p_wait = ParticipantFactory(round=round_, coordinator=UserFactory(email="wait@kommune.example"))
    p_gone = ParticipantFactory(round=round_, coordinator=UserFactory(email="gone@kommune.example"))
    ParticipantFactory(round=round_, coordinator=UserFactory(email="inactive@kommune.example", is_active=False))
    ParticipantFactory(round=round_)  # no coordinator
    ParticipantFactory(coordinator=UserFactory(email="other-round@kommune.example"))
    RegistrationFactory(gathering=g, participant=p_some)
    RegistrationFactory(gathering=g, participant=p_wait, status=Registration.Status.WAITING)
    RegistrationFactory(gathering=g, participant=p_gone, status=Registration.Status.CANCELLED)
    window = g.registration_deadline - timedelta(days=3)
    assert reminders.registration_deadline_reminders_due(now=window - timedelta(minutes=1)) == 0
    assert reminders.registration_deadline_reminders_due(now=window) == 2
    assert reminders.registration_deadline_reminders_due(now=window + timedelta(hours=5)) == 0
    assert sent_to(DEADLINE) == ["gone@kommune.example", "nobody@kommune.example"]
    row = OutgoingEmail.objects.get(to="nobody@kommune.example")
    assert row.about == g
    assert p_nobody.name in row.body_text and p_nobody_2.name in row.body_text
    assert f"{g.get_absolute_url()}#pamelding" in row.body_text
    assert reminders.gathering_reminders_due(now=window) == 0  # the samling itself is weeks away


@pytest.mark.django_db
def test_deadline_reminder_not_after_the_deadline_and_not_before_registration_opens():
    round_ = RoundFactory(registration_reminder_days=7)
    g = samling(round_, start=oslo(2027, 5, 20, 10), registration_deadline=oslo(2027, 5, 10, 12),
                registration_opens_at=oslo(2027, 5, 5, 9))
    ParticipantFactory(round=round_, coordinator=UserFactory(email="mc@kommune.example"))
    assert reminders.registration_deadline_reminders_due(now=oslo(2027, 5, 3, 12)) == 0  # in the window, not open
    assert reminders.registration_deadline_reminders_due(now=oslo(2027, 5, 5, 9)) == 1  # opens: catches up
    ParticipantFactory(round=round_, coordinator=UserFactory(email="late@kommune.example"))
    assert reminders.registration_deadline_reminders_due(now=g.registration_deadline) == 0
    assert reminders.registration_deadline_reminders_due(now=g.registration_deadline - timedelta(minutes=1)) == 1
    assert sent_to(DEADLINE) == ["late@kommune.example", "mc@kommune.example"]


@pytest.mark.django_db
def test_deadline_reminder_for_a_koordinatorsamling_asks_them_to_register_themselves():
    round_ = RoundFactory(registration_reminder_days=0)
    off = samling(round_, start=oslo(2027, 5, 20, 10), registration_deadline=oslo(2027, 5, 10, 12))
    g = samling(RoundFactory(), start=oslo(2027, 5, 20, 13), registration_deadline=oslo(2027, 5, 10, 12),
                kind=Gathering.Kind.COORDINATORS, title="Koordinatorsamling mai")
    ParticipantFactory(round=off.round, coordinator=UserFactory(email="off@kommune.example"))
    p = ParticipantFactory(round=g.round, coordinator=UserFactory(email="mc@kommune.example", language="en",
                                                                  full_name="Ola Nordmann"))
    assert reminders.registration_deadline_reminders_due(now=oslo(2027, 5, 9, 12)) == 1
    row = OutgoingEmail.objects.get(kind=DEADLINE)
    assert row.to == "mc@kommune.example" and row.subject == "Registration deadline soon: Koordinatorsamling mai"
    assert "Hello Ola Nordmann," in row.body_text and "register yourself" in row.body_text
    assert p.name in row.body_text and "Monday 10. May 12:00" in row.body_text


# --- The task, the page, the beat -------------------------------------------------------------------

@pytest.mark.django_db
def test_task_runs_the_sweeps_and_mail_goes_out_after_commit(django_capture_on_commit_callbacks):
    now = timezone.now()
    round_ = RoundFactory()
    soon = samling(round_, start=now + timedelta(hours=20), registration_deadline=now + timedelta(hours=2))
    RegistrationFactory(gathering=soon, email="p@kommune.example")
    ParticipantFactory(round=round_, coordinator=UserFactory(email="mc@kommune.example"))
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.reminder_sweep()
    assert result == {"gathering": 1, "registration_deadline": 1, "evaluations": 0}
    assert sorted(m.to[0] for m in mail.outbox) == ["mc@kommune.example", "p@kommune.example"]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminder_sweep() == {"gathering": 0, "registration_deadline": 0, "evaluations": 0}
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_one_failing_part_does_not_stop_the_others(monkeypatch):
    now = timezone.now()
    round_ = RoundFactory()
    samling(round_, start=now + timedelta(days=5), registration_deadline=now + timedelta(hours=2))
    ParticipantFactory(round=round_, coordinator=UserFactory(email="mc@kommune.example"))

    def broken(*, now):
        raise ValueError("broken template")

    monkeypatch.setattr(reminders, "gathering_reminders_due", broken)
    with pytest.raises(RuntimeError, match="gathering"):
        tasks.reminder_sweep()
    assert sent_to(DEADLINE) == ["mc@kommune.example"]


@pytest.mark.django_db
@pytest.mark.usefixtures("mfa_relaxed")
def test_reminders_are_listed_on_the_samling_page_for_organisers(client, cast):
    now = timezone.now()
    g = samling(cast.a.round, start=now + timedelta(hours=20), registration_deadline=now + timedelta(hours=2))
    RegistrationFactory(gathering=g, participant=cast.a.participant, email="listed@kommune.example")
    reminders.gathering_reminders_due(now=now)
    client.force_login(cast.a.regional_coordinator)
    page = client.get(g.get_absolute_url()).content.decode()
    from django.utils import translation

    with translation.override("nb"):
        label = str(OutgoingEmail.Kind(REMINDER).label)
    assert 'id="utsendelser"' in page and "listed@kommune.example" in page and label in page
    client.force_login(cast.a.municipal_coordinator)
    assert 'id="utsendelser"' not in client.get(g.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_sweep_queries_do_not_grow_with_the_number_of_samlinger():
    start = oslo(2027, 5, 20, 10)
    now = start - timedelta(hours=40)

    def make(n):
        for _ in range(n):
            round_ = RoundFactory()
            g = samling(round_, start=start, registration_deadline=now + timedelta(days=1))
            AgendaItemFactory(gathering=g)
            for _ in range(3):
                RegistrationFactory(gathering=g)
            ParticipantFactory(round=round_, coordinator=UserFactory())

    def queries_of_a_quiet_sweep() -> int:
        reminders.gathering_reminders_due(now=now)
        reminders.registration_deadline_reminders_due(now=now)  # the first one sends; the next is quiet
        with CaptureQueriesContext(connection) as ctx:
            assert reminders.gathering_reminders_due(now=now) == 0
            assert reminders.registration_deadline_reminders_due(now=now) == 0
        return len(ctx.captured_queries)

    make(1)
    one = queries_of_a_quiet_sweep()
    make(9)
    assert queries_of_a_quiet_sweep() == one
    assert one <= 12
    assert OutgoingEmail.objects.filter(kind=REMINDER).count() == 30
    assert OutgoingEmail.objects.filter(kind=DEADLINE).count() == 10


def test_beat_runs_the_sweep_every_five_minutes(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "sessions_app.tasks.reminder_sweep"]
    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert (schedule.total_seconds() if isinstance(schedule, timedelta) else schedule) == 300
    from absolutt.celery import app

    assert "sessions_app.tasks.reminder_sweep" in app.tasks


# --- Two real workers running the sweep at once -----------------------------------------------------

# Only the broker fixture (real worker processes, on the embedded broker and on Redis); that module's
# autouse fixture that turns eager mode off would change every test in this module.
from ..absolutt.test_celery_worker import broker  # noqa: E402, F401


@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_sweep_at_once_remind_each_person_once(broker, tmp_path):  # noqa: F811
    mail_dir = tmp_path / "mail"
    broker.start_worker("w1", mail_dir)
    broker.start_worker("w2", mail_dir)
    now = timezone.now()
    round_ = RoundFactory(status=Round.Status.RUNNING)
    soon = samling(round_, start=now + timedelta(hours=20), registration_deadline=now + timedelta(hours=2))
    AgendaItemFactory(gathering=soon, title="Velkommen")
    participant = ParticipantFactory(round=round_, coordinator=UserFactory(email="mc-a@kommune.example"))
    people = [f"p{i}@kommune.example" for i in range(5)]
    for email in people:
        RegistrationFactory(gathering=soon, participant=participant, email=email)
    RegistrationFactory(gathering=soon, participant=participant, email="wait@kommune.example",
                        status=Registration.Status.WAITING)
    RegistrationFactory(gathering=soon, participant=participant, email="gone@kommune.example",
                        status=Registration.Status.CANCELLED)
    # a second samling whose registration deadline is near: two coordinators have registered nobody
    later = samling(round_, start=now + timedelta(days=10), registration_deadline=now + timedelta(days=1))
    RegistrationFactory(gathering=later, participant=participant, email="p0@kommune.example")
    coordinators = ["mc-b@kommune.example", "mc-c@kommune.example"]
    for email in coordinators:
        ParticipantFactory(round=round_, coordinator=UserFactory(email=email))

    results = [broker.send("sessions_app.tasks.reminder_sweep") for _ in range(8)]
    outcomes = [r.get(timeout=120) for r in results]
    # the soon samling's deadline is near too: mc-b and mc-c get a deadline reminder for both samlinger
    assert sum(o["gathering"] for o in outcomes) == len(people), outcomes
    assert sum(o["registration_deadline"] for o in outcomes) == 4, outcomes

    rows = OutgoingEmail.objects.filter(kind__in=[REMINDER, DEADLINE])
    assert Counter(rows.values_list("dedupe_key", flat=True)).most_common(1)[0][1] == 1
    assert sent_to(REMINDER) == people
    assert sent_to(DEADLINE) == sorted(coordinators * 2)
    deadline = time.monotonic() + 90
    while set(rows.values_list("status", flat=True)) != {"sent"} and time.monotonic() < deadline:
        time.sleep(0.2)
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert all(r.attempts == 1 for r in rows)
    # exactly one mail per person and occasion left the workers
    separator = "-" * 79 + "\n"  # django.core.mail.backends.filebased writes it after every message
    messages = [m for f in mail_dir.iterdir() for m in f.read_text().split(separator) if "Subject: " in m]
    recipients = Counter(line.removeprefix("To: ").strip() for m in messages for line in m.splitlines()
                         if line.startswith("To: "))
    assert recipients == Counter({**dict.fromkeys(people, 1), **dict.fromkeys(coordinators, 2)})
    assert len(messages) == len(people) + 4
