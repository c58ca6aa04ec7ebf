"""The reminder engine's mellomarbeid sweep over 100 000 open obligations (participant x assignment),
against a raw-SQL floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/absolutt_bench_reminders python bench/reminders.py

Creates the database if it is missing, migrates it and (re)builds its own data: 40 running rounds, each
with 100 participants (each with its own municipal coordinator) and 25 open assignments; 40 x 100 x 25 =
100 000 open obligations. Then, each scenario timed ``--runs`` times inside a transaction that is rolled
back, median printed:

1. nothing due (every assignment is due in 30-60 days): the sweep against the one SELECT of the due rows;
2. 10 000 due (4 rounds' assignments due in three days, so the 7-day reminder falls due), first sweep:
   the sweep (which inserts 10 000 outbox rows) against one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``
   of the same rows;
3. the same 10 000 already reminded (steady state): the sweep against the SELECT of the due rows.

Times are printed, never asserted (the tests pin the query counts). The sweep's e-mails are rendered when
sent, so neither side renders a template here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import ROOT, ensure_database  # noqa: E402

ROUNDS, PARTICIPANTS, ASSIGNMENTS, DUE_ROUNDS = 40, 100, 25, 4

# The due rows: open work (no submission, not started or a draft) with a coordinator, due within 7 days.
DUE_ROWS = """
FROM interwork_assignment a
JOIN programmes_round r ON r.id = a.round_id
JOIN municipalities_participant p ON p.round_id = a.round_id
JOIN accounts_user c ON c.id = p.coordinator_id
LEFT JOIN interwork_submission s ON s.assignment_id = a.id AND s.participant_id = p.id
WHERE r.status IN ('signup', 'running') AND a.opens_at <= %(now)s
  AND COALESCE(s.status, 'not_started') IN ('not_started', 'draft')
  AND COALESCE(s.extended_due_at, a.due_at) > %(now)s
  AND COALESCE(s.extended_due_at, a.due_at) <= %(now)s + interval '7 days'
"""

FLOOR_DUE = "SELECT a.id, p.id, c.email" + DUE_ROWS

FLOOR_INSERT = """
INSERT INTO notifications_outgoingemail
    ("to", subject, body_text, body_html, dedupe_key, kind, about_type_id, about_id, party_type_id, party_id,
     status, attempts, last_error, created_at)
SELECT c.email, '', '', '', 'assignment-reminder:' || a.id || ':' || p.id || ':7:' || lower(c.email),
       'assignment_reminder', %(assignment_type)s, a.id, %(participant_type)s, p.id, 'pending', 0, '', now()
""" + DUE_ROWS + "ON CONFLICT DO NOTHING\n"


def setup(url: str) -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "absolutt.settings.local")
    os.environ["DJANGO_DEBUG"] = "0"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(now) -> None:

    from absolutt.accounts.models import User
    from absolutt.notifications.models import OutgoingEmail
    from interwork.models import Assignment, Submission
    from municipalities.models import County, Municipality, Participant
    from programmes.models import Region, Round

    OutgoingEmail.objects.all().delete()
    Submission.objects.all().delete()
    Assignment.objects.all().delete()
    Participant.objects.all().delete()
    Round.objects.all().delete()
    User.objects.filter(email__endswith="@bench.example").delete()
    county, _ = County.objects.get_or_create(number="99", defaults={"name": "Benkfylke"})
    municipalities = list(Municipality.objects.filter(county=county).order_by("number"))
    if len(municipalities) < PARTICIPANTS:
        Municipality.objects.bulk_create([
            Municipality(number=f"9{i:03d}", name=f"Benk {i}", short_name=f"Benk {i}", county=county)
            for i in range(len(municipalities), PARTICIPANTS)])
        municipalities = list(Municipality.objects.filter(county=county).order_by("number"))
    region, _ = Region.objects.get_or_create(slug="benk", defaults={"name": "Benk"})
    rounds = Round.objects.bulk_create([
        Round(region=region, title=f"Benk {i}", starts_on=now.date() - timedelta(days=100),
              ends_on=now.date() + timedelta(days=300), status=Round.Status.RUNNING, assignment_reminder_days="7,1")
        for i in range(ROUNDS)])
    users = User.objects.bulk_create([
        User(email=f"mc{i}@bench.example", password="!") for i in range(ROUNDS * PARTICIPANTS)])
    Participant.objects.bulk_create([
        Participant(round=r, municipality=municipalities[j], coordinator=users[i * PARTICIPANTS + j])
        for i, r in enumerate(rounds) for j in range(PARTICIPANTS)])
    Assignment.objects.bulk_create([
        Assignment(round=r, title=f"Oppgave {k}", opens_at=now - timedelta(days=30),
                   due_at=now + timedelta(days=30 + k))
        for r in rounds for k in range(ASSIGNMENTS)])
    analyze()


def make_due(now, rounds: int) -> None:
    from interwork.models import Assignment
    from programmes.models import Round

    ids = list(Round.objects.filter(title__startswith="Benk ").order_by("pk").values_list("pk", flat=True)[:rounds])
    Assignment.objects.filter(round_id__in=ids).update(due_at=now + timedelta(days=3))


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def median_time(fn, runs: int) -> tuple[float, object]:
    from django.db import transaction

    times, result = [], None
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return statistics.median(times), result


def raw(sql: str, now):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from interwork.models import Assignment
    from municipalities.models import Participant

    params = {"now": now, "assignment_type": ContentType.objects.get_for_model(Assignment).pk,
              "participant_type": ContentType.objects.get_for_model(Participant).pk}

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount if sql.lstrip().upper().startswith("INSERT") else len(cursor.fetchall())
    return run


def report(name: str, sweep: tuple[float, object], floor: tuple[float, object]) -> None:
    print(f"{name:<42} sweep {sweep[0] * 1000:9.1f} ms ({sweep[1]} queued)   floor {floor[0] * 1000:9.1f} ms "
          f"({floor[1]} rows)   ratio {sweep[0] / floor[0]:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per scenario (default 5)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is created if missing).")
    ensure_database(url)
    setup(url)
    from django.utils import timezone

    from interwork import reminders

    now = timezone.now()
    started = time.perf_counter()
    build(now)
    print(f"Built {ROUNDS * PARTICIPANTS * ASSIGNMENTS} open obligations in {time.perf_counter() - started:.1f} s.")

    def sweep():
        return reminders.assignment_reminders_due(now=now)

    report("nothing due", median_time(sweep, args.runs), median_time(raw(FLOOR_DUE, now), args.runs))
    make_due(now, DUE_ROUNDS)
    report("10 000 due, first sweep (INSERT)", median_time(sweep, args.runs),
           median_time(raw(FLOOR_INSERT, now), args.runs))
    from django.db import transaction

    with transaction.atomic():
        sweep()  # recorded for good: the steady state
    analyze()  # as autovacuum would after 10 000 new rows (otherwise the planner believes the outbox empty)
    report("10 000 due, already reminded", median_time(sweep, args.runs), median_time(raw(FLOOR_DUE, now), args.runs))


if __name__ == "__main__":
    main()
