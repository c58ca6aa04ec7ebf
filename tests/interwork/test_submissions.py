"""Submissions: one per participant and assignment, the lifecycle through the pages with every version kept,
refused transitions, lateness, the cut-off, empty deliveries, and no row made by reading a page.
Pages are read in English (source strings), so the checks do not depend on the state of the Norwegian
catalogue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from absolutt.notifications.models import OutgoingEmail
from interwork import services
from interwork.models import Feedback, Submission, SubmissionFile, SubmissionVersion

from ..interwork.factories import (
    AssignmentFactory,
    base_revision,
    cells_of,
    deliver,
    deliver_from_page,
    downloaded,
    en_client,
    follow,
    fresh,
    frozen,
    hour,
    page,
    pdf,
    stored,
    sub_url,
    submission,
    write,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "mfa_relaxed")]


# --- Submissions: one per participant, statuses, versions ----------------------------------------

def test_one_submission_per_participant_and_assignment(work):
    first = submission(work.assignment, work.participant)
    assert submission(work.assignment, work.participant) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(assignment=work.assignment, participant=work.participant)
    assert Submission.objects.filter(assignment=work.assignment, participant=work.participant).count() == 1


def test_participant_of_another_round_has_no_submission(work, cast):
    with pytest.raises(ValidationError):
        submission(work.assignment, cast.b.participant)
    assert not Submission.objects.exists()


def test_full_lifecycle_through_the_pages_keeps_every_version(work):
    a, p = work.assignment, work.participant
    mc, rc = en_client(work.mc), en_client(work.rc)
    body = page(mc.get(sub_url("submission_detail", a, p)))
    assert "Not started" in body
    assert not Submission.objects.filter(assignment=a, participant=p).exists()  # reading writes nothing

    mc.post(sub_url("draft_save", a, p), {"text": "Første utkast", "base_revision": 0,
                                          "contributors": [work.elected.pk, work.administrative.pk]})
    sub = Submission.objects.get(assignment=a, participant=p)  # the first save made it
    assert sub.status == Submission.Status.DRAFT
    assert "The file was attached" in follow(mc, sub_url("file_upload", a, p), {"file": pdf("ungdata.pdf", b"%PDF v1")})
    assert "Delivered as version 1" in page(deliver_from_page(mc, a, p))
    sub = fresh(sub)
    assert sub.status == Submission.Status.DELIVERED and sub.first_delivered_late is False

    assert "Returned for revision" in follow(rc, sub_url("review", a, p), {"action": "return", "text": "Ta med Ungdata."})
    assert fresh(sub).status == Submission.Status.RETURNED

    # the revision: new text, one contributor fewer, the old file replaced by a new one
    body = page(mc.get(sub_url("submission_detail", a, p)))
    old_file = SubmissionFile.objects.get(submission=sub, version__isnull=True)
    mc.post(sub_url("draft_save", a, p), {"text": "Andre utkast", "base_revision": base_revision(body),
                                          "contributors": [work.elected.pk]})
    assert fresh(sub).status == Submission.Status.RETURNED  # still returned while being revised
    follow(mc, sub_url("file_remove", a, p, old_file.pk))
    follow(mc, sub_url("file_upload", a, p), {"file": pdf("plan.pdf", b"%PDF v2")})
    assert "Delivered as version 2" in page(deliver_from_page(mc, a, p))
    assert fresh(sub).status == Submission.Status.DELIVERED

    assert "Approved" in follow(rc, sub_url("review", a, p), {"action": "approve", "text": ""})
    assert fresh(sub).status == Submission.Status.APPROVED

    v1, v2 = SubmissionVersion.objects.filter(submission=sub).order_by("number")
    assert (v1.number, v1.text, v1.delivered_by, v1.is_late) == (1, "Første utkast", work.mc, False)
    assert [c["name"] for c in v1.contributors] == ["Ola Ordfører", "Rita Rådmann"]
    assert {c["role_category"] for c in v1.contributors} == {"elected", "administrative"}
    assert [f.original_name for f in v1.files.all()] == ["ungdata.pdf"]
    assert stored(v1.files.get()) == b"%PDF v1"  # the removed draft file is kept for v1
    assert (v2.number, v2.text) == (2, "Andre utkast")
    assert [c["name"] for c in v2.contributors] == ["Ola Ordfører"]
    assert [f.original_name for f in v2.files.all()] == ["plan.pdf"]

    body = page(rc.get(sub_url("submission_detail", a, p)))
    assert "Første utkast" in body and "Andre utkast" in body and "Version 1" in body and "Version 2" in body
    assert downloaded(rc.get(sub_url("file_download", a, p, v1.files.get().pk))) == b"%PDF v1"


def test_version_snapshot_does_not_follow_later_changes(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "Tekst", work.mc, [work.elected])
    work.elected.name = "Nytt Navn"
    work.elected.save()
    v = SubmissionVersion.objects.get(submission=sub)
    assert [c["name"] for c in v.contributors] == ["Ola Ordfører"]
    assert v.contributors[0]["title"] == "Ordfører"


def _approved(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "Tekst", work.mc)
    return services.submission_approve(submission=sub, by_user=work.rc)


def _delivered(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "Tekst", work.mc)
    return fresh(sub)


def _draft(work):
    return write(submission(work.assignment, work.participant), "Tekst", work.mc)


REFUSED = {
    "approve a draft": (_draft, lambda w, s: services.submission_approve(submission=s, by_user=w.rc),
                        "Only a delivered submission can be approved."),
    "return a draft": (_draft, lambda w, s: services.submission_return(submission=s, by_user=w.rc, comment="Nei"),
                       "Only a delivered submission can be returned."),
    "return an approved": (_approved, lambda w, s: services.submission_return(submission=s, by_user=w.rc, comment="Nei"),
                           "Only a delivered submission can be returned."),
    "approve an approved": (_approved, lambda w, s: services.submission_approve(submission=s, by_user=w.rc),
                            "Only a delivered submission can be approved."),
    "edit an approved": (_approved, lambda w, s: services.draft_save(
        submission=s, text="Endret", base_revision=s.draft_revision, by_user=w.mc), "approved"),
    "deliver an approved": (_approved, lambda w, s: services.submission_deliver(submission=s, by_user=w.mc), "approved"),
    "attach to an approved": (_approved, lambda w, s: services.file_attach(submission=s, upload=pdf(), by_user=w.mc),
                              "approved"),
    "edit while delivered": (_delivered, lambda w, s: services.draft_save(
        submission=s, text="Endret", base_revision=s.draft_revision, by_user=w.mc), "waiting for review"),
    "deliver twice": (_delivered, lambda w, s: services.submission_deliver(submission=s, by_user=w.mc),
                      "waiting for review"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_transitions_change_nothing(work, case):
    make, act, message = REFUSED[case]
    sub = make(work)
    before = (sub.status, sub.draft_text, sub.draft_revision)
    counts = (SubmissionVersion.objects.count(), Feedback.objects.count(), SubmissionFile.objects.count(),
              OutgoingEmail.objects.count())
    with pytest.raises(ValidationError) as exc:
        act(work, fresh(sub))
    assert message in " ".join(exc.value.messages)
    sub = fresh(sub)
    assert (sub.status, sub.draft_text, sub.draft_revision) == before
    assert counts == (SubmissionVersion.objects.count(), Feedback.objects.count(), SubmissionFile.objects.count(),
                      OutgoingEmail.objects.count())


def test_refused_transitions_through_the_pages(work):
    a, p = work.assignment, work.participant
    sub = _draft(work)
    rc, mc = en_client(work.rc), en_client(work.mc)
    assert "Only a delivered submission can be approved." in follow(rc, sub_url("review", a, p), {"action": "approve"})
    assert fresh(sub).status == Submission.Status.DRAFT
    deliver_from_page(mc, a, p)
    response = mc.post(sub_url("draft_save", a, p), {"text": "Endret etter levering", "base_revision": 1})
    assert response.status_code == 409
    body = page(response)
    assert "waiting for review" in body and "Endret etter levering" in body  # the typed text is shown again
    assert fresh(sub).draft_text == "Tekst"
    follow(rc, sub_url("review", a, p), {"action": "approve"})
    body = page(mc.post(sub_url("deliver", a, p), {"text": "Tekst", "base_revision": fresh(sub).draft_revision}))
    assert "approved and can no longer be changed" in body
    assert SubmissionVersion.objects.filter(submission=sub).count() == 1
    assert "Only a delivered submission can be returned." in follow(
        rc, sub_url("review", a, p), {"action": "return", "text": "Likevel"})
    assert fresh(sub).status == Submission.Status.APPROVED
    # an approved submission shows no draft form and no deliver button
    body = page(mc.get(sub_url("submission_detail", a, p)))
    assert 'id="draft-form"' not in body and 'id="deliver-button"' not in body


# --- Lateness, cut-off, empty deliveries ------------------------------------------------------------

def test_delivery_after_due_is_late_and_shown(work, client):
    work.assignment.opens_at, work.assignment.due_at = hour(-10), hour(-1)
    work.assignment.save()
    sub = submission(work.assignment, work.participant)
    v = deliver(sub, "Sent, men godt", work.mc)
    assert v.is_late and fresh(sub).first_delivered_late is True
    client.force_login(work.rc)
    body = page(client.get(sub_url("submission_detail", work.assignment, work.participant)))
    assert "delivered late" in body
    raw = client.get(reverse("interwork:round_work", args=[work.round.pk])).content.decode()
    assert cells_of(raw, work.participant.name)[0] == "Delivered late – " + work.participant.name + ", Ståstedsanalyse"


def test_delivery_exactly_at_due_is_on_time_and_a_minute_after_is_late(work, cast):
    due = work.assignment.due_at
    with frozen(due):
        assert not deliver(submission(work.assignment, work.participant), "I tide", work.mc).is_late
    other = cast.a.other_participant
    with frozen(due + timedelta(minutes=1)):
        assert deliver(submission(work.assignment, other), "For sent", work.mc).is_late


def test_first_delivery_decides_the_late_flag(work):
    sub = submission(work.assignment, work.participant)
    deliver(sub, "v1", work.mc)
    services.submission_return(submission=sub, by_user=work.rc, comment="Mer")
    with frozen(work.assignment.due_at + timedelta(days=1)):
        v2 = deliver(sub, "v2", work.mc)
    assert v2.is_late
    assert fresh(sub).first_delivered_late is False  # the work came in on time; v2 is marked late itself


def test_delivery_after_granted_extension_time_is_late_and_before_it_is_not(work, cast):
    work.assignment.opens_at, work.assignment.due_at = hour(-10), hour(-3)
    work.assignment.save()
    on_time = submission(work.assignment, work.participant)
    services.extension_grant(submission=on_time, new_due_at=hour(2), reason="Sykdom", by_user=work.rc)
    assert not deliver(on_time, "Innenfor utsatt frist", work.mc).is_late
    late = submission(work.assignment, cast.a.other_participant)
    services.extension_grant(submission=late, new_due_at=hour(-1), reason="Kort utsettelse", by_user=work.rc)
    assert deliver(late, "Etter utsatt frist", work.mc).is_late


def test_no_delivery_after_cutoff_unless_an_extension_goes_beyond_it(work, cast, client):
    a = work.assignment
    a.opens_at, a.due_at, a.cutoff_at = hour(-10), hour(-3), hour(-1)
    a.save()
    sub = write(submission(a, work.participant), "For sent", work.mc)
    client.force_login(work.mc)
    body = page(deliver_from_page(client, a, work.participant))
    assert "The cut-off has passed" in body
    assert fresh(sub).status == Submission.Status.DRAFT and not SubmissionVersion.objects.exists()
    assert 'id="deliver-button"' not in body

    # an extension that ends before the cut-off does not open it again
    other = write(submission(a, cast.a.other_participant), "Nabo", work.mc)
    services.extension_grant(submission=other, new_due_at=hour(-2), reason="Kort", by_user=work.rc)
    with pytest.raises(ValidationError, match="cut-off"):
        services.submission_deliver(submission=other, by_user=work.mc)

    services.extension_grant(submission=sub, new_due_at=hour(24), reason="Permisjon", by_user=work.rc)
    body = page(deliver_from_page(client, a, work.participant))
    assert "Delivered as version 1" in body
    v = SubmissionVersion.objects.get(submission=sub)
    assert not v.is_late


def test_delivery_at_the_cutoff_minute_is_accepted_and_after_it_refused(work, cast):
    a = work.assignment
    a.cutoff_at = a.due_at + timedelta(days=2)
    a.save()
    with frozen(a.cutoff_at):
        assert deliver(submission(a, work.participant), "Siste minutt", work.mc).is_late
    with frozen(a.cutoff_at + timedelta(seconds=1)), pytest.raises(ValidationError):
        deliver(submission(a, cast.a.other_participant), "For sent", work.mc)


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_delivery_refused(work, client, text):
    sub = submission(work.assignment, work.participant)
    if text:
        write(sub, text, work.mc)
    client.force_login(work.mc)
    body = page(deliver_from_page(client, work.assignment, work.participant))
    assert "Write something or attach a file before you deliver." in body
    assert fresh(sub).status != Submission.Status.DELIVERED and not SubmissionVersion.objects.exists()


def test_delivery_with_only_a_file_is_accepted(work):
    sub = submission(work.assignment, work.participant)
    services.file_attach(submission=sub, upload=pdf(), by_user=work.mc)
    v = services.submission_deliver(submission=sub, by_user=work.mc)
    assert v.text == "" and [f.original_name for f in v.files.all()] == ["plan.pdf"]


# --- No writes on GET ----------------------------------------------------------------------------

def test_opening_a_submission_page_writes_nothing(client, cast):
    """Reading shows "nothing yet"; the first save creates the row."""
    a = AssignmentFactory(round=cast.a.round)
    client.force_login(cast.a.municipal_coordinator)
    url = sub_url("submission_detail", a, cast.a.participant)
    response = client.get(url)
    assert response.status_code == 200
    assert not Submission.objects.filter(assignment=a, participant=cast.a.participant).exists()
    client.force_login(cast.a.regional_coordinator)
    assert client.get(url).status_code == 200
    assert client.get(sub_url("file_download", a, cast.a.participant, 1)).status_code == 404
    assert not Submission.objects.exists()
