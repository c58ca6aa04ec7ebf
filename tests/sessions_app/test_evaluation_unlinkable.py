"""Unlinkable storage, attacked as a database reader and as a reader of the server logs.

Thirty people answer through their own links, with the beat releasing the pending pool every ten answers,
as it would run every minute. Then the attacker with read access to PostgreSQL tries every join that could
tie a response to an invitation: equal transaction ids (xmin), the order of transaction ids, the physical
order (ctid), the order of the ids, timestamps. Each must fail: at best it narrows a response down to its
release batch, which holds at least k people."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sessions_app import anonymity, evaluations
from sessions_app.models import EvaluationAnswer, EvaluationInvite, EvaluationPending, EvaluationResponse

from ..sessions_app.factories import GatheringFactory, RegistrationFactory

N = 30
BEAT_EVERY = 10


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def rows(sql: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def samling(cast, attendees: int):
    start = timezone.now() - timedelta(hours=7)
    g = GatheringFactory(round=cast.a.round, starts_at=start, ends_at=start + timedelta(hours=6),
                         registration_deadline=start - timedelta(days=3))
    for i in range(attendees):
        RegistrationFactory(gathering=g, participant=cast.a.participant, email=f"person{i:02}@k.example", attended=True,
                            role_category="elected")
    evaluations.evaluations_due(now=timezone.now())
    return g


def answer(g, invite, secret: str) -> None:
    """One person, in their own browser: the link from the e-mail, then the form at the token-free address."""
    q = g.evaluation.questions.order_by("order", "pk").first()
    c = Client()
    target = c.get(reverse("sessions_app:evaluation_answer", args=[invite.token]))["Location"]
    assert invite.token not in target
    response = c.post(target, {"role_category": "elected", f"q{q.pk}": "2", f"c{q.pk}": secret})
    assert response.status_code == 200


@pytest.fixture
def answered(cast):
    """Thirty answers, each with a secret comment naming its author (the ground truth the attacker wants)."""
    g = samling(cast, N)
    invites = list(EvaluationInvite.objects.filter(evaluation=g.evaluation).order_by("email"))
    for i, invite in enumerate(invites, start=1):
        answer(g, invite, f"secret:{invite.email}")
        if i % BEAT_EVERY == 0:
            evaluations.evaluations_release(now=timezone.now())
    evaluations.evaluations_release(now=timezone.now())
    assert EvaluationPending.objects.count() == 0 and EvaluationResponse.objects.count() == N
    truth = {rid: comment.removeprefix("secret:") for rid, comment in
             EvaluationAnswer.objects.exclude(comment="").values_list("response_id", "comment")}
    return g, truth


def matches(pairs, truth) -> int:
    return sum(1 for response_id, email in pairs if truth.get(response_id) == email)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("mfa_relaxed")
def test_database_reader_cannot_join_responses_to_invitations(answered):
    g, truth = answered
    resp, inv, ans = table(EvaluationResponse), table(EvaluationInvite), table(EvaluationAnswer)

    # 1. Same transaction: never. The invitation is marked in a transaction of its own.
    assert rows(f"SELECT count(*) FROM {resp} r JOIN {inv} i ON r.xmin = i.xmin")[0][0] == 0
    assert rows(f"SELECT count(*) FROM {ans} a JOIN {inv} i ON a.xmin = i.xmin")[0][0] == 0

    # 2. Transaction ids tell only the release batch, and each batch holds at least k responses.
    batches = rows(f"SELECT xmin::text, count(*) FROM {resp} GROUP BY xmin::text")
    assert len(batches) == N // BEAT_EVERY
    assert all(n >= anonymity.min_answers() for _x, n in batches)
    assert rows(f"SELECT count(DISTINCT xmin::text) FROM {ans}")[0][0] == len(batches)

    # 3. Orders: the invitations in answering order (their xmin), zipped with the responses in every order
    #    the attacker could try. A random guess within a batch of ten finds about one in ten; we allow a third.
    invites = [e for (e,) in rows(f"SELECT email FROM {inv} WHERE answered_on IS NOT NULL "
                                  f"ORDER BY xmin::text::bigint, ctid")]
    assert len(invites) == N
    for order in ("xmin::text::bigint, ctid", "ctid", "id", "xmin::text::bigint, id", "xmin::text::bigint DESC, ctid"):
        responses = [r for (r,) in rows(f"SELECT id FROM {resp} ORDER BY {order}")]
        found = matches(zip(responses, invites, strict=True), truth)
        assert found <= N // 3, f"ordering responses by {order} finds {found} of {N} authors"
    # the answers' own order (the comment rows) tells no more
    by_answer = [r for (r,) in rows(f"SELECT response_id FROM {ans} WHERE comment <> '' ORDER BY ctid")]
    assert matches(zip(by_answer, invites, strict=True), truth) <= N // 3

    # 4. Times: no column of the answer tables holds a time, and the invitation only a date.
    times = rows("SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN "
                 f"('{EvaluationResponse._meta.db_table}', '{EvaluationAnswer._meta.db_table}', "
                 f"'{EvaluationPending._meta.db_table}') AND (data_type LIKE 'timestamp%%' OR data_type IN "
                 "('date', 'time', 'interval'))")
    assert times == []
    assert rows("SELECT data_type FROM information_schema.columns WHERE table_name = "
                f"'{EvaluationInvite._meta.db_table}' AND column_name = 'answered_on'") == [("date",)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("mfa_relaxed")
def test_pending_answers_lose_their_order_at_the_next_beat(cast):
    """Below k the answers wait in the pool; the beat re-writes them in one transaction under new ids, so
    that the pool no longer shows the order (or transaction) in which they came."""
    g = samling(cast, 3)
    invites = list(EvaluationInvite.objects.filter(evaluation=g.evaluation).order_by("email"))
    for invite in invites:
        answer(g, invite, "")
    pend, inv = table(EvaluationPending), table(EvaluationInvite)
    before = rows(f"SELECT id::text, xmin::text FROM {pend}")
    answered_xmins = {x for (x,) in rows(f"SELECT xmin::text FROM {inv} WHERE answered_on IS NOT NULL")}
    assert len({x for _i, x in before}) == 3 and not ({x for _i, x in before} & answered_xmins)  # own transactions
    assert evaluations.evaluations_release(now=timezone.now()) == 0
    after = rows(f"SELECT id::text, xmin::text FROM {pend}")
    assert len(after) == 3 and len({x for _i, x in after}) == 1  # one transaction for all
    assert not ({i for i, _x in before} & {i for i, _x in after})  # new ids
    assert EvaluationResponse.objects.count() == 0  # nothing released below k
    # when the evaluation closes with fewer than k, they are deleted, never released
    assert evaluations.evaluations_release(now=g.evaluation.closes_at) == 0
    assert EvaluationPending.objects.count() == 0 and EvaluationResponse.objects.count() == 0
    assert all(r.cell.hidden for r in anonymity.samling_results(g.evaluation)["questions"])


@pytest.mark.django_db
@pytest.mark.usefixtures("mfa_relaxed")
def test_release_is_safe_to_run_twice(cast):
    g = samling(cast, 6)
    for invite in EvaluationInvite.objects.filter(evaluation=g.evaluation):
        answer(g, invite, "")
    assert evaluations.evaluations_release(now=timezone.now()) == 6
    assert evaluations.evaluations_release(now=timezone.now()) == 0
    assert EvaluationResponse.objects.count() == 6


@pytest.mark.django_db
@pytest.mark.usefixtures("mfa_relaxed")
def test_a_remainder_smaller_than_k_is_never_released(cast):
    """Seven answers: five released, two left at closing. Released, the two would show up as the difference
    between the results before and after (and in the database as a batch of two people): they are deleted
    instead, and the results stay as they were."""
    g = samling(cast, 7)
    invites = list(EvaluationInvite.objects.filter(evaluation=g.evaluation).order_by("email"))
    for invite in invites[:5]:
        answer(g, invite, "")
    assert evaluations.evaluations_release(now=timezone.now()) == 5
    before = anonymity.samling_results(g.evaluation)["questions"][0].cell
    released = set(EvaluationResponse.objects.values_list("pk", flat=True))
    for invite in invites[5:]:
        answer(g, invite, "")
    assert evaluations.evaluations_release(now=timezone.now()) == 0  # two: they wait
    assert evaluations.evaluations_release(now=g.evaluation.closes_at) == 0  # closed: deleted
    assert EvaluationPending.objects.count() == 0
    assert set(EvaluationResponse.objects.values_list("pk", flat=True)) == released
    assert anonymity.samling_results(g.evaluation)["questions"][0].cell == before


@pytest.mark.django_db
@pytest.mark.usefixtures("mfa_relaxed")
def test_personal_token_never_in_a_log_line(cast, caplog, client):
    """Every way the link can be used — answered, again, closed, someone else's, a POST to it — logs nothing
    with the token: the link only redirects, and the loggers that print paths cut tokens out."""
    g = samling(cast, 2)
    first, second = EvaluationInvite.objects.filter(evaluation=g.evaluation).order_by("email")
    caplog.set_level(logging.DEBUG)
    answer(g, first, "hei")
    answer(g, first, "igjen")  # already answered
    link = reverse("sessions_app:evaluation_answer", args=[second.token])
    assert client.post(link, {"role_category": "elected"}).status_code == 405  # never POST to the link
    client.force_login(cast.a.municipal_coordinator)
    assert client.get(client.get(link)["Location"]).status_code == 403  # someone else's link
    client.logout()
    g.evaluation.close_after_days = 0
    g.evaluation.save()
    assert Client().get(Client().get(link)["Location"]).status_code == 404  # a new browser has no session
    c = Client()
    assert c.get(c.get(link)["Location"]).status_code == 410  # closed
    assert caplog.records, "the 4xx responses above are logged"
    for record in caplog.records:
        for token in (first.token, second.token):
            assert token not in record.getMessage(), record.getMessage()
    # the development server's request lines and gunicorn's access log go through the same redaction
    server = logging.getLogger("django.server")
    record = server.makeRecord("django.server", logging.INFO, __file__, 1, '"%s" %s %s',
                               (f"GET {link} HTTP/1.1", "302", "0"), None)
    for f in server.filters:
        f.filter(record)
    assert second.token not in record.getMessage() and "/evaluering/[token]/" in record.getMessage()


def test_gunicorn_access_log_has_no_token():
    from datetime import timedelta as td
    from types import SimpleNamespace

    from gunicorn.config import Config

    from absolutt.log_redaction import GunicornLogger

    token = "Abc123_-" * 5
    logger = GunicornLogger(Config())
    environ = {"REQUEST_METHOD": "GET", "RAW_URI": f"/evaluering/{token}/", "SERVER_PROTOCOL": "HTTP/1.1",
               "PATH_INFO": f"/evaluering/{token}/", "QUERY_STRING": "", "HTTP_REFERER": f"https://x/evaluering/{token}/"}
    atoms = logger.atoms(SimpleNamespace(status="302 Found", sent=0, headers=[]), SimpleNamespace(headers=[("Referer", environ["HTTP_REFERER"])]),
                         environ, td(seconds=0))
    assert not any(token in str(v) for v in atoms.values())
    import runpy
    from pathlib import Path

    conf = runpy.run_path(str(Path(__file__).resolve().parent.parent.parent / "gunicorn.conf.py"))
    assert conf["logger_class"] is GunicornLogger


@pytest.mark.django_db
@pytest.mark.usefixtures("mfa_relaxed")
def test_beat_releases_the_pool_every_minute(settings, cast):
    from absolutt.celery import app
    from sessions_app.tasks import evaluation_release

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "sessions_app.tasks.evaluation_release"]
    assert len(entries) == 1 and entries[0]["schedule"] == 60.0
    assert "sessions_app.tasks.evaluation_release" in app.tasks
    g = samling(cast, 5)
    for invite in EvaluationInvite.objects.filter(evaluation=g.evaluation):
        answer(g, invite, "")
    assert evaluation_release.delay().get() == 5
    assert EvaluationResponse.objects.count() == 5 and EvaluationPending.objects.count() == 0
