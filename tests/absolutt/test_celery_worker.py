"""Round trips through real Celery workers in separate processes: on the embedded file-system broker and
on Redis. The outbox sends an e-mail exactly once even when its task is delivered many times to two
workers at once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.services import email_enqueue
from absolutt.settings.base import celery_broker_settings

from ..conftest import require

pytestmark = pytest.mark.django_db(transaction=True)

SEND_TASK = "absolutt.notifications.tasks.send_outgoing_email"


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Broker:
    def __init__(self, kind: str, tmp: Path):
        self.kind = kind
        self.redis_url = settings.REDIS_URL if kind == "redis" else ""
        self.queue_dir = tmp / "celery"
        self.queue = f"absolutt-worker-test-{os.getpid()}"
        conf = celery_broker_settings(self.redis_url, self.queue_dir)
        self.app = Celery("absolutt-test-producer")
        self.app.conf.update(
            broker_url=conf["CELERY_BROKER_URL"],
            result_backend=conf["CELERY_RESULT_BACKEND"],
            broker_transport_options=conf["CELERY_BROKER_TRANSPORT_OPTIONS"],
            task_serializer="json", accept_content=["json"], result_serializer="json",
        )
        self.workers: list[subprocess.Popen] = []

    def start_worker(self, name: str, mail_dir: Path, **extra_env: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "absolutt.settings.test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": self.redis_url,
            "CELERY_TEST_QUEUE_DIR": str(self.queue_dir),
            "EMAIL_FILE_PATH": str(mail_dir),
            **extra_env,
        }
        # Its own queue, plus the tests' default queue, where tasks started inside the worker (an e-mail
        # queued by a reminder sweep) land.
        cmd = [sys.executable, "-m", "celery", "-A", "absolutt", "worker", "--pool=solo", "-Q", f"{self.queue},absolutt-test",
               "-n", f"{name}@%h", "--without-mingle", "--without-gossip", "--loglevel=WARNING"]
        worker = subprocess.Popen(cmd, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.workers.append(worker)
        return worker

    def send(self, task: str, args=()):
        # The tasks ignore their results (nothing in the platform reads them); the tests ask for them.
        return self.app.send_task(task, args=list(args), queue=self.queue, ignore_result=False)

    def stop(self) -> str:
        """Stop every worker at once, then collect each one's output (one at a time, each could take its
        whole warm-shutdown time)."""
        output = []
        for w in self.workers:
            if w.poll() is None:
                w.terminate()
        for w in self.workers:
            try:
                out, _ = w.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()
                out, _ = w.communicate()
            output.append(out.decode(errors="replace"))
        return "\n".join(output)


@pytest.fixture(params=["embedded", "redis"])
def broker(request, tmp_path, settings):
    if request.param == "redis":
        require(bool(settings.REDIS_URL), "the Redis worker test needs REDIS_URL")
    b = Broker(request.param, tmp_path)
    yield b
    log = b.stop()
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        print(log)


@pytest.fixture(autouse=True)
def _not_eager(settings):
    from absolutt.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_ping_round_trip(broker, tmp_path):
    broker.start_worker("w1", tmp_path / "mail")
    assert broker.send("absolutt.ping").get(timeout=60) == "pong"


def test_outbox_email_sent_by_worker(broker, tmp_path):
    mail_dir = tmp_path / "mail"
    broker.start_worker("w1", mail_dir)
    row = email_enqueue(to="ola@kommune.example", subject="Hei fra Absolutt", body_text="Lenke: https://x/")
    assert broker.send(SEND_TASK, [row.pk]).get(timeout=60) is True
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT and row.sent_at is not None
    sent = "".join(p.read_text() for p in mail_dir.iterdir())
    assert "Subject: Hei fra Absolutt" in sent and "ola@kommune.example" in sent


def test_two_workers_duplicate_deliveries_send_once(broker, tmp_path):
    mail_dir = tmp_path / "mail"
    broker.start_worker("w1", mail_dir)
    broker.start_worker("w2", mail_dir)
    row = email_enqueue(to="kari@kommune.example", subject="Påminnelse", body_text="Frist i morgen")
    results = [broker.send(SEND_TASK, [row.pk]) for _ in range(6)]
    outcomes = [r.get(timeout=90) for r in results]
    assert outcomes.count(True) == 1, outcomes
    row.refresh_from_db()
    assert row.status == OutgoingEmail.Status.SENT and row.attempts == 1
    deadline = time.monotonic() + 5
    while not mail_dir.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sum(p.read_text().count("Subject: ") for p in mail_dir.iterdir()) == 1


def test_worker_killed_mid_batch_every_email_delivered_and_a_resend_carries_the_same_message_id(broker, tmp_path):
    """A worker is killed (SIGKILL) while it hands a batch of e-mails to a slow SMTP server. Every e-mail
    is delivered; the only e-mail that can reach the server twice is the one in flight at the kill, its
    second copy comes after the stale-claim window and has the same Message-ID, and its row shows two
    attempts."""
    from ..smtp_server import ScriptedSMTP, SMTPServer

    window = 3
    with SMTPServer(ScriptedSMTP(data_delay=0.4)) as smtp:
        worker_env = {"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "EMAIL_FILE_PATH": "",
                      "ABSOLUTT_OUTBOX_STALE_CLAIM_SECONDS": str(window)}
        rows = [OutgoingEmail.objects.create(to=f"p{i}@kommune.example", subject=f"Melding {i}", body_text="Hei")
                for i in range(12)]
        first = broker.start_worker("w1", tmp_path / "mail", **worker_env)
        broker.send("absolutt.notifications.tasks.outbox_sweep")
        deadline = time.monotonic() + 60
        while len(smtp.received) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(smtp.received) >= 4
        first.kill()
        first.wait(10)
        killed_at = time.monotonic()
        delivered_before_kill = len(smtp.received)
        assert delivered_before_kill < len(rows)  # really mid-batch
        time.sleep(window + 0.5)
        broker.start_worker("w2", tmp_path / "mail", **worker_env)
        broker.send("absolutt.notifications.tasks.outbox_sweep")
        deadline = time.monotonic() + 90
        while (OutgoingEmail.objects.exclude(status=OutgoingEmail.Status.SENT).exists()
               and time.monotonic() < deadline):
            time.sleep(0.2)
        time.sleep(1)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {OutgoingEmail.Status.SENT}
    by_id = {r.message_id: r for r in OutgoingEmail.objects.all()}
    received = smtp.message_ids()
    assert set(received) == set(by_id)  # every e-mail delivered, each under its own row's Message-ID
    duplicates = {mid for mid in received if received.count(mid) > 1}
    assert len(duplicates) <= 1 and all(received.count(mid) == 2 for mid in duplicates)
    for mid in duplicates:
        assert by_id[mid].attempts == 2
    assert time.monotonic() - killed_at >= window
