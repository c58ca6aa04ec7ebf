"""With Redis down (a real redis-server this test starts on a port of its own and then stops), what people
do is saved and answered quickly instead of an error: invitations, a cancellation that promotes from the
waiting list, a return for revision, an extension request, login and password reset. The e-mails wait in
the outbox and a real worker delivers them once Redis is back (beat's outbox sweep)."""

import shutil
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from absolutt.accounts.models import Invitation
from absolutt.celery import app
from absolutt.notifications.models import OutgoingEmail
from sessions_app.models import Registration

from ..absolutt.test_celery_worker import Broker
from ..conftest import require
from ..interwork.factories import AssignmentFactory, deliver, sub_url, submission
from ..redis_server import RedisServer
from ..sessions_app.factories import GatheringFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("mfa_relaxed")]

FAST = 3.0  # seconds: an answer, not a wait for the broker


def _reset_producer_pool() -> None:
    """Let the app make its connection pool again for the broker URL now configured (kombu keeps one pool per
    URL, shared by every app in the process: it is left open for the others)."""
    app._pool = None
    app.__dict__.get("amqp") and setattr(app.amqp, "_producer_pool", None)


@pytest.fixture
def redis(tmp_path, settings):
    require(shutil.which("redis-server") is not None, "the broker outage test needs redis-server")
    server = RedisServer(tmp_path / "redis")
    server.start()
    saved = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = server.url, server.url, False
    _reset_producer_pool()
    settings.CACHES = {"default": {**django_settings.CACHES["default"],
                                   "BACKEND": "absolutt.core.cache.FailoverRedisCache", "LOCATION": server.url,
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}}}
    del settings.ACCOUNT_RATE_LIMITS  # allauth's own limits, counted in the cache
    yield server
    server.stop()
    app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager = saved
    _reset_producer_pool()


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_web_actions_with_the_broker_down_answer_quickly_and_deliver_once_it_is_back(redis, client, cast, tmp_path):
    a = cast.a
    gathering = GatheringFactory(round=a.round, capacity=1)
    first = Registration.objects.create(gathering=gathering, participant=a.participant, name="Først",
                                        email="forst@kommune.example")
    Registration.objects.create(gathering=gathering, participant=a.participant, name="Venter",
                                email="venter@kommune.example", status=Registration.Status.WAITING)
    assignment = AssignmentFactory(round=a.round, due_at=timezone.now() + timedelta(days=3))
    returned = submission(assignment, a.participant)
    deliver(returned, "Første utkast", a.municipal_coordinator)
    other_assignment = AssignmentFactory(round=a.round, due_at=timezone.now() + timedelta(days=3))
    before = set(OutgoingEmail.objects.values_list("pk", flat=True))
    redis.stop()

    rc = a.regional_coordinator
    actions = {
        "invitation": (rc, lambda: client.post(reverse("accounts:invitation_create", args=[a.participant.pk]), {
            "full_name": "Nora Ny", "email": "nora@kommune.example", "role": Invitation.Role.MUNICIPAL_COORDINATOR,
            "request_key": "form-1"})),
        "cancellation with promotion": (rc, lambda: client.post(
            reverse("sessions_app:registration_cancel", args=[gathering.pk, first.pk]))),
        "return for revision": (rc, lambda: client.post(sub_url("review", assignment, a.participant),
                                                        {"action": "return", "text": "Ta med tall."})),
        "extension request": (a.municipal_coordinator, lambda: client.post(
            sub_url("extension", other_assignment, a.participant),
            {"new_due_at": timezone.localtime(timezone.now() + timedelta(days=9)).strftime("%Y-%m-%dT%H:%M"),
             "reason": "Valgår"})),
    }
    for name, (user, action) in actions.items():
        client.force_login(user)
        response, seconds = timed(action)
        assert response.status_code in (200, 302), name
        assert seconds < FAST, (name, seconds)
    client.logout()
    response, seconds = timed(lambda: client.post(reverse("account_login"), {
        "login": a.municipal_coordinator.email, "password": "test-password-123"}))
    assert response.status_code == 302 and seconds < FAST
    client.logout()
    response, seconds = timed(lambda: client.post(reverse("account_reset_password"), {"email": a.core_group_member.email}))
    assert response.status_code == 302 and seconds < FAST

    # The same invitation form sent again (the user retries): one invitation, one e-mail.
    client.force_login(rc)
    client.post(reverse("accounts:invitation_create", args=[a.participant.pk]), {
        "full_name": "Nora Ny", "email": "nora@kommune.example", "role": Invitation.Role.MUNICIPAL_COORDINATOR,
        "request_key": "form-1"})
    assert Invitation.objects.filter(email="nora@kommune.example").count() == 1

    queued = OutgoingEmail.objects.exclude(pk__in=before)
    kinds = set(queued.values_list("kind", flat=True))
    assert {"invitation", "gathering_promoted", "submission_returned", "extension_requested"} <= kinds
    assert queued.filter(to=a.core_group_member.email).exists()  # the password reset
    assert queued.filter(to="nora@kommune.example").count() == 1
    assert set(queued.values_list("status", flat=True)) == {OutgoingEmail.Status.PENDING}

    # Redis is back: a worker and beat's outbox sweep deliver everything that waited.
    redis.start()
    broker = Broker("redis", tmp_path)
    broker.redis_url = redis.url
    broker.app.conf.update(broker_url=redis.url, result_backend=redis.url)
    try:
        broker.start_worker("w1", tmp_path / "mail")
        assert broker.send("absolutt.notifications.tasks.outbox_sweep").get(timeout=60) >= queued.count()
        deadline = time.monotonic() + 60
        while queued.exclude(status=OutgoingEmail.Status.SENT).exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        broker.stop()
    assert set(queued.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
    assert sum(p.read_text().count("Subject: ") for p in (tmp_path / "mail").iterdir()) == queued.count()
