"""The one reminder engine (absolutt.notifications.reminders) under the mellomarbeid rules, the evaluation
invitations and the digests: a sweep with nothing new is a handful of queries and no INSERT whatever the
history (1x and 10x); a sweep with many new reminders inserts them in one statement, the number of queries
not growing with them; the e-mail is rendered when it is sent, in the recipient's language."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from absolutt.accounts.models import User
from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.reminders import Occasion, languages_of, occasions_queue
from interwork import reminders
from interwork.models import Assignment, Submission
from programmes.models import Round
from sessions_app import evaluations
from sessions_app.models import Registration

from ..factories import ParticipantFactory, RoundFactory, UserFactory
from ..sessions_app.factories import GatheringFactory

pytestmark = pytest.mark.django_db


def captured(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, [q["sql"] for q in ctx.captured_queries]


def add_history(round_, participants, n: int, now) -> None:
    """``n`` past assignments, delivered, with their reminders in the outbox, and a finished round."""
    for i in range(n):
        a = Assignment.objects.create(round=round_, title=f"Gammel {i}", opens_at=now - timedelta(days=200),
                                      due_at=now - timedelta(days=100 + i))
        for p in participants:
            Submission.objects.create(assignment=a, participant=p, status=Submission.Status.DELIVERED,
                                          last_delivered_at=a.due_at)
            OutgoingEmail.objects.create(to=p.coordinator.email, subject="x", body_text="x", kind="assignment_reminder",
                                         about=a, party=p, dedupe_key=f"old:{a.pk}:{p.pk}", status="sent")
    old = RoundFactory(status=Round.Status.COMPLETED)
    for i in range(n):
        Assignment.objects.create(round=old, title=f"Avsluttet {i}", opens_at=now - timedelta(days=30),
                                  due_at=now + timedelta(days=2))


def test_mellomarbeid_sweep_with_nothing_new_is_constant_and_inserts_nothing():
    now = timezone.now()
    round_ = RoundFactory(status=Round.Status.RUNNING)
    participants = [ParticipantFactory(round=round_, coordinator=UserFactory()) for _ in range(3)]
    Assignment.objects.create(round=round_, title="Nå", opens_at=now - timedelta(days=20), due_at=now + timedelta(days=3))
    assert reminders.assignment_reminders_due(now=now) == 3

    def quiet() -> int:
        sent, sql = captured(lambda: reminders.assignment_reminders_due(now=now))
        assert sent == 0
        assert not [q for q in sql if q.lstrip().upper().startswith("INSERT")]
        return len(sql)

    add_history(round_, participants, 1, now)
    one = quiet()
    add_history(round_, participants, 9, now)
    assert quiet() == one
    assert one <= 8


def test_mellomarbeid_sweep_inserts_new_reminders_in_one_statement_whatever_their_number():
    now = timezone.now()

    def first_sweep(n: int) -> tuple[int, list[str]]:
        round_ = RoundFactory(status=Round.Status.RUNNING)
        for _ in range(n):
            ParticipantFactory(round=round_, coordinator=UserFactory())
        Assignment.objects.create(round=round_, title="Nå", opens_at=now - timedelta(days=20),
                                  due_at=now + timedelta(days=3))
        return captured(lambda: reminders.assignment_reminders_due(now=now))

    sent, small = first_sweep(2)
    assert sent == 2
    sent, large = first_sweep(20)
    assert sent == 20
    assert len(large) == len(small)
    inserts = [q for q in large if q.lstrip().upper().startswith("INSERT") and "notifications_outgoingemail" in q]
    assert len(inserts) == 1
    assert "ON CONFLICT DO NOTHING" in inserts[0].upper() or inserts[0].upper().startswith("INSERT OR IGNORE")


def test_digest_sweep_loads_open_work_once_for_all_coordinators():
    from zoneinfo import ZoneInfo

    monday = timezone.make_aware(timezone.datetime(2027, 5, 10, 7, 30), ZoneInfo("Europe/Oslo"))

    def sweep_for(n: int) -> int:
        OutgoingEmail.objects.filter(kind="assignment_digest").delete()
        for _ in range(n):
            round_ = RoundFactory(status=Round.Status.RUNNING)
            round_.regional_coordinators.add(UserFactory())
            ParticipantFactory(round=round_, coordinator=UserFactory())
            Assignment.objects.create(round=round_, title="Snart", opens_at=monday - timedelta(days=20),
                                      due_at=monday + timedelta(days=2))
        sent, sql = captured(lambda: reminders.digests_due(now=monday))
        assert sent == OutgoingEmail.objects.filter(kind="assignment_digest").count() > 0
        return len(sql)

    sweep_for(1)  # the first sweep in a process also fills Django's content-type cache (one query, once)
    one = sweep_for(1)
    assert sweep_for(9) == one


def test_evaluation_sweep_has_no_query_per_attendee_and_no_failing_insert():
    now = timezone.now()
    round_ = RoundFactory(status=Round.Status.RUNNING)
    participant = ParticipantFactory(round=round_)
    g = GatheringFactory(round=round_, starts_at=now - timedelta(hours=8), ends_at=now - timedelta(hours=1))

    def attend(n: int) -> None:
        start = Registration.objects.filter(gathering=g).count()
        for i in range(start, start + n):
            Registration.objects.create(gathering=g, participant=participant, name=f"P{i}", email=f"p{i}@k.example",
                                        attended=True)

    def quiet() -> int:
        sent, sql = captured(lambda: evaluations.evaluations_due(now=now))
        assert sent == 0
        assert not [q for q in sql if q.lstrip().upper().startswith("INSERT")]
        return len(sql)

    attend(2)
    assert evaluations.evaluations_due(now=now) == 2
    two = quiet()
    attend(18)
    assert evaluations.evaluations_due(now=now) == 18
    assert quiet() == two
    assert OutgoingEmail.objects.filter(kind="evaluation_invite").count() == 20


def test_deferred_email_is_rendered_when_sent_in_the_recipients_language(django_capture_on_commit_callbacks):
    now = timezone.now()
    round_ = RoundFactory(status=Round.Status.RUNNING)
    mc = UserFactory(email="Mona@Kommune.example", language="en")
    p = ParticipantFactory(round=round_, coordinator=mc)
    a = Assignment.objects.create(round=round_, title="Ståstedsanalyse", opens_at=now - timedelta(days=20),
                                  due_at=now + timedelta(days=3))
    with django_capture_on_commit_callbacks(execute=False):
        assert reminders.assignment_reminders_due(now=now) == 1
    row = OutgoingEmail.objects.get(kind="assignment_reminder")
    assert row.body_text == "" and row.render["builder"] == "interwork.reminders.work_context"
    with django_capture_on_commit_callbacks(execute=True):
        from absolutt.notifications.services import email_send

        assert email_send(email_id=row.pk) is True
    row.refresh_from_db()
    assert "Ståstedsanalyse" in row.subject and "Reminder" in row.body_text
    assert f"/mellomarbeid/{a.pk}/deltakere/{p.pk}/" in row.body_text
    assert mail.outbox[0].subject == row.subject


def test_language_lookup_uses_the_lower_email_index():
    UserFactory(email="kari@kommune.example", language="en")
    langs, sql = captured(lambda: languages_of(["KARI@Kommune.example"]))
    assert langs == {"kari@kommune.example": "en"}
    assert len(sql) == 1 and "LOWER(" in sql[0].upper() and "UPPER(" not in sql[0].upper()
    from sessions_app.selectors import language_of

    lang, sql = captured(lambda: language_of("Kari@kommune.example"))
    assert lang == "en" and "UPPER(" not in sql[0].upper()


def test_two_sweeps_racing_insert_each_row_once():
    now = timezone.now()
    occasion = Occasion(to="a@k.example", kind="assignment_reminder", key="race:1", about=None, due_at=now,
                        context={"assignment": None})
    OutgoingEmail.objects.create(to="a@k.example", subject="s", body_text="b", dedupe_key=occasion.dedupe_key)
    # the read of recorded keys missed it (the other sweep committed in between): the INSERT skips it
    from unittest import mock

    with mock.patch("absolutt.notifications.reminders.recorded_keys", return_value=set()), \
            mock.patch("absolutt.notifications.reminders.render_email", return_value=("s", "b", "")):
        assert occasions_queue([occasion]) == 0
    assert OutgoingEmail.objects.filter(dedupe_key=occasion.dedupe_key).count() == 1
    assert User.objects.count() == 0


def test_the_database_builds_the_same_dedupe_keys_as_python():
    """The set-based sweeps build their keys in the database (occasion_key_expression); a key built there
    must be the key Python builds for the same occasion and address, also when the address is long enough
    to be replaced by its hash."""
    from django.db.models import F

    from absolutt.notifications.reminders import key_expression, occasion_key, occasion_key_expression

    long_local = "a" * 150
    addresses = ["Ola.Nordmann@Kommune.NO", "kari@k.example", f"{long_local}@{'b' * 60}.example", "ærlig.østby@kommune.no"]
    users = [UserFactory(email=e) for e in addresses]
    template = "assignment-reminder:{a}:{p}:202703260900:7"
    rows = User.objects.filter(pk__in=[u.pk for u in users]).annotate(
        key=occasion_key_expression(key_expression(template, a=F("pk"), p=F("pk")), F("email")))
    built = dict(rows.values_list("pk", "key"))
    for u in users:
        assert built[u.pk] == occasion_key(template.format(a=u.pk, p=u.pk), u.email)
    assert any(":sha256:" in k for k in built.values())
