"""An outbox you can operate: the national lead's page lists failed and waiting e-mails with the reason and
sends one again; the admin has the same action; retention empties old texts but keeps the record; the
page's queries do not grow with the outbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from absolutt.notifications import services
from absolutt.notifications.models import OutgoingEmail

from ..factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mfa_relaxed")]


def failed(n=1, **kw):
    return [OutgoingEmail.objects.create(to=f"p{i}@kommune.example", subject="Påminnelse", body_text="Hei",
                                         status="failed", attempts=1, last_error="550 5.1.1 No such user here", **kw)
            for i in range(n)]


def test_national_lead_sees_failed_email_with_reason_and_sends_it_again(client, cast, django_capture_on_commit_callbacks):
    row, = failed()
    OutgoingEmail.objects.create(to="venter@kommune.example", subject="Venter", body_text="x", status="pending",
                                 last_error="451 4.7.1 Greylisted", next_attempt_at=timezone.now() + timedelta(minutes=5))
    client.force_login(cast.national_lead)
    page = client.get(reverse("notifications:outbox")).content.decode()
    assert "p0@kommune.example" in page and "550 5.1.1 No such user here" in page and "venter@kommune.example" not in page
    waiting = client.get(reverse("notifications:outbox") + "?vis=waiting").content.decode()
    assert "venter@kommune.example" in waiting and "451 4.7.1 Greylisted" in waiting
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox_retry", args=[row.pk]), follow=True)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == "sent" and [m.to for m in mail.outbox] == [["p0@kommune.example"]]
    # sent rows cannot be "sent again"
    client.post(reverse("notifications:outbox_retry", args=[row.pk]))
    assert len(mail.outbox) == 1


def test_outbox_page_is_for_the_national_lead_only(client, cast):
    """Like the national pages (a page not about one object: 403 for a signed-in person without the role,
    ``absolutt/access.py``); the row is not looked up before the check, so the answer tells nothing about it."""
    row, = failed()
    for user in (cast.a.regional_coordinator, cast.a.municipal_coordinator, cast.outsider):
        client.force_login(user)
        assert client.get(reverse("notifications:outbox")).status_code == 403
        assert client.post(reverse("notifications:outbox_retry", args=[row.pk])).status_code == 403
        assert client.post(reverse("notifications:outbox_retry", args=[row.pk + 1000])).status_code == 403
    row.refresh_from_db()
    assert row.status == "failed"


def test_outbox_page_queries_do_not_grow_with_the_outbox(client, cast):
    client.force_login(cast.national_lead)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("notifications:outbox")).status_code == 200
        return len(ctx.captured_queries)

    failed(3)
    one = queries()
    failed(30)
    assert queries() == one


def test_admin_sends_failed_email_again(client, django_capture_on_commit_callbacks):
    admin = UserFactory(email="super@ks.example", is_staff=True, is_superuser=True)
    row, = failed()
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:notifications_outgoingemail_changelist"),
                               {"action": "send_again", "_selected_action": [row.pk]}, follow=True)
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.status == "sent"


def test_retention_empties_old_texts_and_keeps_the_record(settings):
    settings.ABSOLUTT_OUTBOX_RETENTION_DAYS = 30
    old = OutgoingEmail.objects.create(to="a@k.example", subject="Gammel", body_text="Personlig tekst",
                                       body_html="<p>x</p>", status="sent", dedupe_key="reminder:1:a@k.example")
    recent = OutgoingEmail.objects.create(to="b@k.example", subject="Ny", body_text="Tekst", status="sent")
    waiting = OutgoingEmail.objects.create(to="c@k.example", subject="Venter", body_text="Tekst", status="pending")
    OutgoingEmail.objects.filter(pk__in=[old.pk, waiting.pk]).update(created_at=timezone.now() - timedelta(days=31))
    from absolutt.notifications import tasks

    assert tasks.outbox_purge() == 1
    assert tasks.outbox_purge() == 0
    old.refresh_from_db()
    assert (old.body_text, old.body_html, old.dedupe_key, old.subject) == ("", "", "reminder:1:a@k.example", "Gammel")
    assert OutgoingEmail.objects.get(pk=recent.pk).body_text == "Tekst"
    assert OutgoingEmail.objects.get(pk=waiting.pk).body_text == "Tekst"
    assert services.email_retry(email_id=old.pk) is False
    assert any(e["task"] == "absolutt.notifications.tasks.outbox_purge" for e in settings.CELERY_BEAT_SCHEDULE.values())


def test_send_again_goes_back_only_to_this_site(client, cast):
    """The form's "next" brings the person back to the list they came from, never to another site."""
    row, = failed()
    client.force_login(cast.national_lead)
    back = reverse("notifications:outbox") + "?vis=failed&side=2"
    assert client.post(reverse("notifications:outbox_retry", args=[row.pk]), {"next": back})["Location"] == back
    for evil in ("https://evil.example/", "//evil.example/x"):
        response = client.post(reverse("notifications:outbox_retry", args=[row.pk]), {"next": evil})
        assert response["Location"] == reverse("notifications:outbox")
