"""The one reminder engine. Every app states *who* is reminded of *what*, of *which kind*, *due when*
(computed in Europe/Oslo wall-clock time) as :class:`Occasion` objects, from set-based queries over what
is due now; :func:`occasions_queue` turns them into outbox rows.

"Once per person and occasion" is the outbox row's unique ``dedupe_key`` (the occasion's key plus the
lower-cased address). The engine reads which of the due keys are recorded (one query), and inserts the
rest with one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` (on PostgreSQL from a COPY; elsewhere
``bulk_create(ignore_conflicts=True)``),
so a sweep with nothing new costs a handful of queries whatever the history, two sweeps racing each other
insert each row once, and no failing INSERT puts an address or a text into the database log.

An occasion carries either its ``context`` (rendered by the sweep: samling reminders, digests) or a
``builder`` (a dotted path called with ``args`` and the ids of what the row is about, ``about_id`` and
``party_id``, when the e-mail is sent; the mellomarbeid reminders, where one sweep may find thousands: the
occasions of one group share one ``args``), so a large sweep only inserts small rows and the worker renders each e-mail
in the recipient's language as it sends it (``absolutt.notifications.services.email_render``).
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Case, CharField, Exists, Expression, Func, Max, OuterRef, QuerySet, Value, When
from django.db.models.functions import SHA256, Cast, Concat, Length, Lower
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from absolutt.accounts.models import User

from .models import OutgoingEmail
from .services import render_email, send_after_commit

OSLO = ZoneInfo("Europe/Oslo")
DEDUPE_KEY_MAX = OutgoingEmail._meta.get_field("dedupe_key").max_length
CHUNK = 1000
# More new rows than this in one sweep: one outbox-sweep task hands them out instead of a task per row.
MANY = 100


@dataclass
class Occasion:
    """One e-mail to one person about one occasion.

    ``key``: the occasion's part of the dedupe key, including the time it is about
    (``gathering-reminder:12:202703260900``). ``about``: the object it is about (what the object's page
    lists), ``party``: the participant whose part of it it is, if any. ``due_at``: when it fell due. ``template``: ``emails/<kind>`` unless given. ``language``: None = the
    language of the user with that address (one query per sweep, on the ``lower(email)`` index). ``stands_since``: a reminder of the same kind about the same object to the
    same person queued since then still stands although its key differs (the time moved a little)."""

    to: str
    kind: str
    key: str
    about: models.Model | None
    due_at: datetime
    context: dict | None = None
    builder: str = ""
    args: dict = field(default_factory=dict)
    template: str = ""
    language: str | None = None
    stands_since: datetime | None = None
    exact_key: bool = False  # ``key`` already names the person (e.g. an evaluation invite's id)
    party: models.Model | None = None

    dedupe_key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.kind = str(self.kind)  # an OutgoingEmail.Kind member or its value
        self.dedupe_key = self.key if self.exact_key else occasion_key(self.key, self.to)


def stamp(at: datetime) -> str:
    """A time as it appears in a dedupe key: UTC, to the minute."""
    return at.astimezone(UTC).strftime("%Y%m%d%H%M")


def occasion_key(occasion: str, email: str) -> str:
    """The outbox dedupe key for one person and occasion. Addresses are compared without case; an address
    too long for the column is replaced by its hash, so the key always fits (and stays unique)."""
    email = email.strip().lower()
    key = f"{occasion}:{email}"
    if len(key) <= DEDUPE_KEY_MAX:
        return key
    return f"{occasion}:sha256:{hashlib.sha256(email.encode()).hexdigest()}"


def languages_of(emails: Iterable[str]) -> dict[str, str]:
    """The preferred language of the users with these addresses, by lower-cased address: one query on the
    ``lower(email)`` index."""
    wanted = {e.lower() for e in emails}
    if not wanted:
        return {}
    rows = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=wanted)
    return dict(rows.values_list("email_lower", "language"))


def recorded_keys(keys: list[str]) -> set[str]:
    """Which of these dedupe keys are in the outbox: one query (the unique index), on PostgreSQL with the
    keys as one array parameter."""
    if not keys:
        return set()
    if connection.vendor == "postgresql":
        # One text parameter split by the server: binding thousands of keys as an array costs more in the
        # driver than the lookup costs in the database. Keys hold ids, stamps and addresses, never a newline.
        with connection.cursor() as cursor:
            if any("\n" in k for k in keys):
                cursor.execute(f"SELECT dedupe_key FROM {OutgoingEmail._meta.db_table} WHERE dedupe_key = ANY(%s)", [keys])
            else:
                cursor.execute(f"SELECT dedupe_key FROM {OutgoingEmail._meta.db_table} "
                               "WHERE dedupe_key = ANY(string_to_array(%s, E'\\n'))", ["\n".join(keys)])
            return {row[0] for row in cursor.fetchall()}
    found: set[str] = set()
    for i in range(0, len(keys), 5000):
        found.update(OutgoingEmail.objects.filter(dedupe_key__in=keys[i:i + 5000]).values_list("dedupe_key", flat=True))
    return found


def relation(obj: models.Model | None) -> tuple[int | None, int | None]:
    """(content type id, primary key) of an object an e-mail is about, or (None, None)."""
    if obj is None:
        return None, None
    return ContentType.objects.get_for_model(obj).pk, obj.pk


def reminded(about: type[models.Model], about_id, *, party_id=None, kind: str, since: datetime,
             to: Expression | None = None) -> Exists:
    """A subquery condition: an e-mail of ``kind`` about that object (and that participant; and, given
    ``to``, to that address) was queued for an occasion that fell due at or after ``since``. For sweeps that
    ask the database which of many pairs still miss an occasion, in the same statement that finds the pairs
    (the ``outbox_about`` index), so a sweep with nothing new reads no rows back. ``party_id`` defaults to
    the outer query's primary key."""
    rows = OutgoingEmail.objects.filter(
        about_type=ContentType.objects.get_for_model(about), about_id=about_id,
        party_id=OuterRef("pk") if party_id is None else party_id, kind=kind, occasion_at__gte=since)
    if to is not None:
        rows = rows.annotate(to_lower=Lower("to")).filter(to_lower=Lower(to))
    return Exists(rows)


class _SHA256Hex(SHA256):
    """SHA-256 of a text's UTF-8 bytes in hex, as ``hashlib`` computes it (PostgreSQL's built-in function,
    not pgcrypto's ``digest``; Django's own function elsewhere)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return Func.as_sql(self, compiler, connection,
                           template="ENCODE(SHA256(CONVERT_TO(%(expressions)s, 'UTF8')), 'hex')", **extra_context)


def key_expression(template: str, **values: Expression) -> Expression:
    """An occasion key template (``"assignment-reminder:{a}:{p}:202703260900:7"``) as a database
    expression, its fields filled from ``values``: the same key the template's ``format`` gives in Python."""
    parts: list[Expression] = []
    for text, name, _spec, _conversion in string.Formatter().parse(template):
        if text:
            parts.append(Value(text))
        if name is not None:
            parts.append(Cast(values[name], CharField()))
    return parts[0] if len(parts) == 1 else Concat(*parts, output_field=CharField())


def occasion_key_expression(occasion: Expression, email: Expression) -> Expression:
    """:func:`occasion_key` as a database expression (the set-based sweeps build their keys in the
    database): the occasion and the lower-cased address, or the address's hash when the key would not fit.
    ``tests/absolutt/test_reminder_engine.py`` checks that both give the same keys."""
    lowered = Lower(email)
    full = Concat(occasion, Value(":"), lowered, output_field=CharField())
    return Case(When(LessThanOrEqual(Length(full), DEDUPE_KEY_MAX), then=full),
                default=Concat(occasion, Value(":sha256:"), _SHA256Hex(lowered), output_field=CharField()),
                output_field=CharField())


def queue_select(rows: QuerySet, *, to: Expression, key: Expression, kind: str, about: type[models.Model],
                 about_id: Expression, party: type[models.Model] | None = None, party_id: Expression | None = None,
                 due_at: datetime, template: str, builder: str, args: dict) -> int:
    """Queue one e-mail per row of ``rows`` (a query of the app's own models) with one
    ``INSERT … SELECT … ON CONFLICT DO NOTHING``: the database builds each row's address, key and relations
    from the expressions, so a sweep that finds thousands of due occasions sends no row through Python. The
    e-mails are rendered when sent by ``builder`` (called with ``args`` and the row's ``about_id`` and
    ``party_id``), in the language of the user with that address; ``template`` is ``emails/<kind>`` unless
    given. Returns how many rows it inserted."""
    query = rows.annotate(_to=to, _key=key, _about=about_id, _party=party_id if party_id is not None else Value(None))
    sql, params = query.values_list("_to", "_key", "_about", "_party").order_by().query.sql_with_params()
    spec = json.dumps({"template": template or f"emails/{kind}", "builder": builder, "args": args, "language": None})
    table = OutgoingEmail._meta.db_table
    columns = ('"to", dedupe_key, about_id, party_id, subject, body_text, body_html, kind, about_type_id, '
               'party_type_id, render, occasion_at, status, attempts, last_error, created_at')
    types = ContentType.objects.get_for_model(about).pk, ContentType.objects.get_for_model(party).pk if party else None
    insert = (f"INSERT INTO {table} ({columns}) SELECT q.\"_to\", q.\"_key\", q.\"_about\", q.\"_party\", '', '', '', "
              f"%s, %s, %s, %s, %s, %s, 0, '', %s FROM ({sql}) q WHERE q.\"_to\" IS NOT NULL AND q.\"_to\" <> '' "
              "ON CONFLICT DO NOTHING RETURNING id")
    with connection.cursor() as cursor:
        cursor.execute(insert, [str(kind), *types, spec, due_at, OutgoingEmail.Status.PENDING, timezone.now(), *params])
        ids = [r[0] for r in cursor.fetchall()]
    _start_sending(ids)
    return len(ids)


def _about(o: Occasion) -> tuple:
    return (*relation(o.about), relation(o.party)[1])


def _standing(occasions: list[Occasion]) -> dict[tuple, datetime]:
    """(kind, about type, about id, party id, address) -> when that person was last reminded of that kind
    about that object."""
    windowed = [o for o in occasions if o.stands_since is not None]
    if not windowed:
        return {}
    abouts = {relation(o.about) for o in windowed}
    rows = (OutgoingEmail.objects.filter(kind__in={o.kind for o in windowed},
                                         about_type__in={t for t, _ in abouts}, about_id__in={i for _, i in abouts})
            .annotate(to_lower=Lower("to")).order_by()
            .values("kind", "about_type", "about_id", "party_id", "to_lower").annotate(last=Max("created_at")))
    return {(r["kind"], r["about_type"], r["about_id"], r["party_id"], r["to_lower"]): r["last"] for r in rows}


def occasions_queue(occasions: Iterable[Occasion], *, unrecorded: bool = False) -> int:
    """Queue every occasion not yet recorded; returns how many rows this call inserted. The send tasks
    start after commit. ``unrecorded``: the caller has just read :func:`recorded_keys` for these occasions
    and left out the recorded ones, so the engine does not read them again (a racing sweep's rows are
    still skipped by the insert)."""
    by_key: dict[str, Occasion] = {}
    for o in occasions:
        by_key.setdefault(o.dedupe_key, o)
    if not by_key:
        return 0
    done = set() if unrecorded else recorded_keys(list(by_key))
    new = [o for k, o in by_key.items() if k not in done]
    standing = _standing(new)
    if standing:
        new = [o for o in new if o.stands_since is None
               or (last := standing.get((o.kind, *_about(o), o.to.lower()))) is None or last < o.stands_since]
    if not new:
        return 0
    languages = languages_of(o.to for o in new if o.language is None and o.context is not None)
    rows = []
    types: dict[type, int] = {}
    specs: dict[tuple, str] = {}  # occasions that share their args share one serialised render spec

    def type_of(obj: models.Model) -> int:
        if obj.__class__ not in types:
            types[obj.__class__] = ContentType.objects.get_for_model(obj).pk
        return types[obj.__class__]

    for o in new:
        template = o.template or f"emails/{o.kind}"
        if o.context is not None:
            subject, body_text, body_html = render_email(
                template, o.context, o.language or languages.get(o.to.lower()) or settings.LANGUAGE_CODE)
            render = None
        else:
            subject = body_text = body_html = ""
            spec = (template, o.builder, o.language, id(o.args))
            if spec not in specs:
                specs[spec] = json.dumps({"template": template, "builder": o.builder, "args": o.args,
                                          "language": o.language})
            render = specs[spec]
        about, party = o.about, o.party
        rows.append((o.to, subject[:255], body_text, body_html, o.dedupe_key, o.kind,
                     None if about is None else type_of(about), None if about is None else about.pk,
                     None if party is None else type_of(party), None if party is None else party.pk,
                     o.due_at, render))
    ids = _insert(rows)
    _start_sending(ids)
    return len(ids)


def _start_sending(ids: list[int]) -> None:
    """After commit: a send task per new row, or for many, one outbox sweep that hands them out."""
    if len(ids) > MANY:
        from .tasks import outbox_sweep

        transaction.on_commit(lambda: _start(outbox_sweep))
    else:
        for pk in ids:
            transaction.on_commit(lambda pk=pk: send_after_commit(pk))


COLUMNS = ("to", "subject", "body_text", "body_html", "dedupe_key", "kind", "about_type_id", "about_id",
           "party_type_id", "party_id", "occasion_at", "render")


def _insert(rows: list[tuple]) -> list[int]:
    """Insert outbox rows, skipping keys that exist (a racing sweep), and return the ids this call inserted.
    PostgreSQL: COPY into a temporary table and one ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING id``
    (no failing INSERT, so nothing personal reaches the log). Elsewhere: ``bulk_create(ignore_conflicts=True)``
    and a read of the ids by key and creation time."""
    if not rows:
        return []
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = OutgoingEmail._meta.db_table
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS absolutt_outbox_queue (\"to\" varchar(254), subject varchar(255), "
                "body_text text, body_html text, dedupe_key varchar(200), kind varchar(40), about_type_id integer, "
                "about_id bigint, party_type_id integer, party_id bigint, occasion_at timestamptz, render jsonb) "
                "ON COMMIT DELETE ROWS")
            cursor.execute("TRUNCATE absolutt_outbox_queue")
            with cursor.copy(f"COPY absolutt_outbox_queue ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({cols}, status, attempts, last_error, created_at) "
                f"SELECT {cols}, %s, 0, '', %s FROM absolutt_outbox_queue ON CONFLICT DO NOTHING RETURNING id",
                [OutgoingEmail.Status.PENDING, now])
            return [r[0] for r in cursor.fetchall()]
    objects = [OutgoingEmail(**dict(zip(COLUMNS, row, strict=True))) for row in rows]
    for o in objects:
        if o.render is not None:
            o.render = json.loads(o.render)
    with transaction.atomic():
        for i in range(0, len(objects), CHUNK):
            OutgoingEmail.objects.bulk_create(objects[i:i + CHUNK], ignore_conflicts=True)
    # Which rows this call inserted: the ones whose creation time is the one bulk_create gave our object.
    mine = {r.dedupe_key: r.created_at for r in objects}
    return [pk for pk, key, created in OutgoingEmail.objects.filter(dedupe_key__in=list(mine)).values_list(
        "pk", "dedupe_key", "created_at") if created == mine[key]]


def _start(task) -> None:
    import logging

    try:
        task.delay()
    except Exception as exc:  # the broker is down: beat's outbox sweep runs anyway
        logging.getLogger(__name__).warning("Could not start %s: %r", task.name, exc)
