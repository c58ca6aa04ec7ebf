"""Extensions (granted, requested, decided, refused with a message) and review (return with a comment,
approve, comments from both sides), with the e-mails they send.
Pages are read in English (source strings), so the checks do not depend on the state of the Norwegian
catalogue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from absolutt.notifications.models import OutgoingEmail
from interwork import services
from interwork.models import Extension, Feedback, Submission

from ..factories import (
    UserFactory,
)
from ..interwork.factories import (
    deliver,
    en_client,
    fmt,
    follow,
    fresh,
    hour,
    page,
    sub_url,
    submission,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "mfa_relaxed")]


# --- Extensions -----------------------------------------------------------------------------------

def test_regional_coordinator_grants_extension_with_reason(work, client):
    a, p = work.assignment, work.participant
    client.force_login(work.rc)
    new_due = hour(14)
    body = follow(client, sub_url("extension", a, p), {"new_due_at": fmt(new_due), "reason": "Valgår i kommunen"})
    assert "The extension was granted." in body and "Valgår i kommunen" in body
    ext = Extension.objects.get()
    assert (ext.status, ext.reason, ext.new_due_at, ext.decided_by) == ("granted", "Valgår i kommunen", new_due, work.rc)
    sub = Submission.objects.get()
    assert sub.extended_due_at == new_due and sub.effective_due_at == new_due
    fb = Feedback.objects.get(submission=sub)
    assert fb.kind == Feedback.Kind.EXTENSION and "Valgår i kommunen" in fb.text and fb.author == work.rc
    assert "extension" in page(client.get(reverse("interwork:round_work", args=[work.round.pk])))


@pytest.mark.parametrize("data,message", [
    ({"new_due_at": "original", "reason": "Samme tid"}, "must be later than the original due time"),
    ({"new_due_at": "before", "reason": "Tidligere"}, "must be later than the original due time"),
    ({"new_due_at": "later", "reason": ""}, "This field is required."),
    ({"new_due_at": "later", "reason": "   "}, "This field is required."),
])
def test_extension_refused_with_message(work, client, data, message):
    when = {"original": work.assignment.due_at, "before": work.assignment.due_at - timedelta(hours=1),
            "later": hour(20)}[data["new_due_at"]]
    client.force_login(work.rc)
    body = follow(client, sub_url("extension", work.assignment, work.participant), {**data, "new_due_at": fmt(when)})
    assert message in body
    assert not Extension.objects.exists() and not Feedback.objects.exists()
    assert not Submission.objects.filter(extended_due_at__isnull=False).exists()


def test_extension_must_be_after_the_original_due_time_in_the_service(work):
    sub = submission(work.assignment, work.participant)
    with pytest.raises(ValidationError) as exc:
        services.extension_grant(submission=sub, new_due_at=work.assignment.due_at, reason="x", by_user=work.rc)
    assert "new_due_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.extension_request(submission=sub, new_due_at=work.assignment.due_at - timedelta(days=1), reason="x",
                                   by_user=work.mc)
    assert "new_due_at" in exc.value.message_dict
    assert not Extension.objects.exists()


def test_municipal_coordinator_requests_extension_and_coordinators_are_emailed(work, client):
    second_rc = UserFactory(email="rc2-a@test.example")
    work.round.regional_coordinators.add(second_rc)
    client.force_login(work.mc)
    new_due = hour(10)
    body = follow(client, sub_url("extension", work.assignment, work.participant),
                  {"new_due_at": fmt(new_due), "reason": "Kommunestyret møtes senere"})
    assert "Your request was sent to the regional coordinator." in body
    ext = Extension.objects.get()
    assert (ext.status, ext.requested_by, ext.new_due_at) == ("requested", work.mc, new_due)
    assert Submission.objects.get().extended_due_at is None  # not yet
    mails = OutgoingEmail.objects.filter(kind="extension_requested")
    assert sorted(m.to for m in mails) == sorted([work.rc.email, second_rc.email])
    assert all((m.about, m.party) == (ext.submission.assignment, ext.submission.participant) for m in mails)
    assert work.participant.name in mails[0].subject

    # a second request while one waits is refused
    body = follow(client, sub_url("extension", work.assignment, work.participant),
                  {"new_due_at": fmt(hour(12)), "reason": "Igjen"})
    assert "already waiting for an answer" in body
    assert Extension.objects.count() == 1

    # the matrix shows the pending request; the coordinator sees the grant/refuse buttons
    rc = en_client(work.rc)
    assert "extension requested" in page(rc.get(reverse("interwork:round_work", args=[work.round.pk])))
    assert "Refuse" in page(rc.get(sub_url("submission_detail", work.assignment, work.participant)))


@pytest.mark.parametrize("grant", [True, False])
def test_requested_extension_is_approved_or_refused_and_logged(work, client, grant):
    sub = submission(work.assignment, work.participant)
    ext = services.extension_request(submission=sub, new_due_at=hour(10), reason="Ferie", by_user=work.mc)
    client.force_login(work.rc)
    follow(client, sub_url("extension_decide", work.assignment, work.participant, ext.pk),
           {"grant": "1" if grant else "0", "note": "Ok" if grant else "Ikke grunnlag"})
    ext.refresh_from_db()
    sub = fresh(sub)
    assert ext.decided_by == work.rc and ext.decided_at is not None
    fb = Feedback.objects.get(submission=sub, kind=Feedback.Kind.EXTENSION)
    if grant:
        assert ext.status == Extension.Status.GRANTED and sub.extended_due_at == ext.new_due_at
        assert "Extension granted" in fb.text and "Ferie" in fb.text
    else:
        assert ext.status == Extension.Status.REFUSED and sub.extended_due_at is None
        assert "Extension refused" in fb.text and "Ikke grunnlag" in fb.text and ext.decision_note == "Ikke grunnlag"
    # deciding twice is refused and changes nothing
    body = follow(client, sub_url("extension_decide", work.assignment, work.participant, ext.pk), {"grant": "1"})
    assert "already been answered" in body
    assert Feedback.objects.filter(submission=sub, kind=Feedback.Kind.EXTENSION).count() == 1


# --- Review ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("reviewer", ["rc", "cp"])
def test_return_needs_a_comment_and_notifies_the_municipal_coordinator(work, reviewer):
    a, p = work.assignment, work.participant
    sub = submission(a, p)
    deliver(sub, "Første", work.mc)
    client = en_client(getattr(work, reviewer))
    body = follow(client, sub_url("review", a, p), {"action": "return", "text": "  "})
    assert "Say what should be revised." in body
    assert fresh(sub).status == Submission.Status.DELIVERED and not OutgoingEmail.objects.exists()

    body = follow(client, sub_url("review", a, p), {"action": "return", "text": "Ta med tall fra Ungdata."})
    assert "Returned for revision" in body
    assert fresh(sub).status == Submission.Status.RETURNED
    fb = Feedback.objects.get(submission=sub)
    assert (fb.kind, fb.text, fb.author) == ("returned", "Ta med tall fra Ungdata.", getattr(work, reviewer))
    mail = OutgoingEmail.objects.get()
    assert (mail.to, mail.kind, mail.about, mail.party) == (work.mc.email, "submission_returned", sub.assignment, sub.participant)
    assert a.title in mail.subject and "Ta med tall fra Ungdata." in mail.body_text

    # "Min side" lists the returned work for the municipal coordinator
    home = page(en_client(work.mc).get(reverse("home")))
    assert "Returned for revision" in home and a.title in home
    assert sub_url("submission_detail", a, p) in home


@pytest.mark.parametrize("reviewer", ["rc", "cp"])
def test_approve_notifies_the_municipal_coordinator(work, reviewer):
    a, p = work.assignment, work.participant
    sub = submission(a, p)
    deliver(sub, "Ferdig", work.mc)
    body = follow(en_client(getattr(work, reviewer)), sub_url("review", a, p), {"action": "approve", "text": "Flott!"})
    assert "Approved." in body
    assert fresh(sub).status == Submission.Status.APPROVED
    mail = OutgoingEmail.objects.get()
    assert (mail.to, mail.kind) == (work.mc.email, "submission_approved")
    assert Feedback.objects.get(submission=sub).kind == "approved"


def test_approval_without_coordinator_sends_nothing(work, cast):
    other = cast.a.other_participant  # has no municipal coordinator
    sub = submission(work.assignment, other)
    deliver(sub, "Ferdig", work.rc)
    services.submission_approve(submission=sub, by_user=work.rc)
    assert not OutgoingEmail.objects.exists()


def test_comments_from_both_sides_are_kept(work):
    a, p = work.assignment, work.participant
    follow(en_client(work.cp), sub_url("comment", a, p), {"text": "Godt i gang!"})
    follow(en_client(work.cg), sub_url("comment", a, p), {"text": "Takk"})
    body = follow(en_client(work.mc), sub_url("comment", a, p), {"text": "  "})
    assert "Write a comment." in body
    assert list(Feedback.objects.values_list("kind", "text", "author")) == [
        ("comment", "Godt i gang!", work.cp.pk), ("comment", "Takk", work.cg.pk)]
