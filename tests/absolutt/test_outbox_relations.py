"""The outbox says what an e-mail is about through real relations (#9): the old string topics are turned
into those relations by the migration, and "the e-mails about this object" is one selector."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.selectors import emails_about
from interwork.models import Assignment, Submission
from tests.factories import ParticipantFactory, RoundFactory
from tests.sessions_app.factories import GatheringFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_migration_turns_every_old_topic_into_relations():
    round_ = RoundFactory()
    participant = ParticipantFactory(round=round_)
    gathering = GatheringFactory(round=round_)
    now = timezone.now()
    assignment = Assignment.objects.create(round=round_, title="A", opens_at=now, due_at=now + timedelta(days=1))
    submission = Submission.objects.create(assignment=assignment, participant=participant)
    executor = MigrationExecutor(connection)
    executor.migrate([("notifications", "0005_outbox_indexes")])
    old = executor.loader.project_state([("notifications", "0005_outbox_indexes")]).apps
    Old = old.get_model("notifications", "OutgoingEmail")
    topics = {
        "g": f"gathering:{gathering.pk}", "w": f"work:{assignment.pk}:{participant.pk}",
        "s": f"submission:{submission.pk}", "r": f"round:{round_.pk}", "x": "", "gone": "submission:999999",
    }
    for key, topic in topics.items():
        Old.objects.create(to="a@k.example", subject=key, body_text="b", kind="" if key == "x" else "assignment_reminder",
                           topic=topic, dedupe_key=key)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = {r.subject: r for r in OutgoingEmail.objects.all()}
    assert rows["g"].about == gathering and rows["g"].party is None
    assert (rows["w"].about, rows["w"].party) == (assignment, participant)
    assert (rows["s"].about, rows["s"].party) == (assignment, participant)
    assert rows["r"].about == round_
    assert rows["x"].about is None and rows["x"].kind == OutgoingEmail.Kind.OTHER
    assert rows["gone"].about is None  # a submission that no longer exists names nothing; the row is kept
    assert set(emails_about(assignment, party=participant).values_list("subject", flat=True)) == {"w", "s"}
    assert list(emails_about(gathering).values_list("subject", flat=True)) == ["g"]


@pytest.mark.usefixtures("mfa_relaxed")
def test_the_admin_shows_what_an_email_is_about(admin_client):
    round_ = RoundFactory()
    gathering = GatheringFactory(round=round_, title="Fellessamling i Molde")
    row = OutgoingEmail.objects.create(to="a@k.example", subject="s", body_text="b", about=gathering,
                                       kind=OutgoingEmail.Kind.GATHERING_REMINDER)
    page = admin_client.get(f"/admin/notifications/outgoingemail/{row.pk}/change/").content.decode()
    assert "Fellessamling i Molde" in page
    listing = admin_client.get("/admin/notifications/outgoingemail/?kind=gathering_reminder")
    assert listing.status_code == 200 and "a@k.example" in listing.content.decode()
