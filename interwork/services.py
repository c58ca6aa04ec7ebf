"""Writes about mellomarbeid: assignments, drafts (with conflict detection), deliveries as versions,
review, feedback and extensions. Every status change goes through here."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import PurePath
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt.core import freshness
from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.services import email_enqueue_template
from absolutt.uploads import store, upload_check

from .models import Assignment, Extension, Feedback, Submission, SubmissionFile, SubmissionVersion

OSLO = ZoneInfo("Europe/Oslo")
ASSIGNMENT_FIELDS = ["title", "instructions", "phase", "given_after", "due_before", "opens_at", "due_at",
                     "due_days_before_gathering", "cutoff_at", "expected_attachments", "requires_both_levels"]
EDITABLE = Submission.OPEN_STATUSES  # open work is what can still be written


class DraftConflict(Exception):
    """Someone else saved the draft after this editor loaded it. Carries the text now stored."""

    def __init__(self, submission: Submission):
        super().__init__("draft conflict")
        self.submission = submission


# --- Assignments ----------------------------------------------------------------------------------

def relative_due_at(gathering, days_before: int) -> datetime:
    """23:59 Oslo time, ``days_before`` days before the samling's start date."""
    start_day = timezone.localtime(gathering.starts_at, OSLO).date()
    return datetime.combine(start_day - timedelta(days=days_before), time(23, 59), tzinfo=OSLO)


def _apply(assignment: Assignment, data: dict) -> Assignment:
    for field in ASSIGNMENT_FIELDS:
        if field in data:
            setattr(assignment, field, data[field])
    if assignment.due_days_before_gathering is not None and assignment.due_before is not None:
        assignment.due_at = relative_due_at(assignment.due_before, assignment.due_days_before_gathering)
    assignment.full_clean(exclude=["created_by"])  # empty when the creator's account was deleted (SET_NULL)
    return assignment


@transaction.atomic
def assignment_create(*, round_, data: dict, by_user) -> Assignment:
    assignment = _apply(Assignment(round=round_, created_by=by_user), data)
    assignment.save()
    return assignment


@transaction.atomic
def assignment_update(*, assignment: Assignment, data: dict) -> Assignment:
    assignment = _apply(Assignment.objects.select_for_update().get(pk=assignment.pk), data)
    assignment.save()
    return assignment


def assignments_follow_gathering(*, gathering) -> int:
    """After a samling moves: due times set relative to it follow."""
    moved = 0
    for assignment in Assignment.objects.filter(due_before=gathering, due_days_before_gathering__isnull=False):
        assert assignment.due_days_before_gathering is not None  # filtered above
        new_due = relative_due_at(gathering, assignment.due_days_before_gathering)
        if new_due != assignment.due_at:
            assignment.due_at = new_due
            if assignment.cutoff_at and assignment.cutoff_at < new_due:
                assignment.cutoff_at = new_due
            if assignment.opens_at >= new_due:
                assignment.opens_at = new_due - timedelta(days=1)
            assignment.save(update_fields=["due_at", "cutoff_at", "opens_at"])
            moved += 1
    return moved


# --- Submissions ----------------------------------------------------------------------------------

def submission_for(*, assignment: Assignment, participant) -> Submission:
    if participant.round_id != assignment.round_id:
        raise ValidationError(_("This municipality is not in the assignment's round."))
    submission, _created = Submission.objects.get_or_create(assignment=assignment, participant=participant)
    return submission


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("assignment", "participant").get(pk=submission.pk)


def _check_editable(submission: Submission) -> None:
    if submission.status == Submission.Status.APPROVED:
        raise ValidationError(_("The submission is approved and can no longer be changed."))
    if submission.status == Submission.Status.DELIVERED:
        raise ValidationError(_("The submission is delivered and waiting for review. It can be changed if it is returned."))


@transaction.atomic
def draft_save(*, submission: Submission, text: str, base_revision: int, by_user, contributors=None) -> Submission:
    """Save the draft. If someone saved since ``base_revision`` was loaded, nothing is overwritten: a
    DraftConflict carries the stored text so the editor can merge."""
    submission = _locked(submission)
    _check_editable(submission)
    if submission.draft_revision != base_revision:
        same_text = submission.draft_text == text
        same_people = contributors is None or {c.pk for c in contributors} == set(
            submission.contributors.values_list("pk", flat=True))
        if not (same_text and same_people):  # someone saved in between: never overwrite silently
            raise DraftConflict(submission)
    submission.draft_text = text
    submission.draft_revision += 1
    submission.draft_saved_at = timezone.now()
    submission.draft_saved_by = by_user
    if submission.status == Submission.Status.NOT_STARTED:
        submission.status = Submission.Status.DRAFT
    submission.save(update_fields=["draft_text", "draft_revision", "draft_saved_at", "draft_saved_by", "status"])
    if contributors is not None:
        contributors_set(submission=submission, contributors=contributors)
    return submission


def contributors_set(*, submission: Submission, contributors) -> None:
    foreign = [c for c in contributors if c.participant_id != submission.participant_id]
    if foreign:
        raise ValidationError(_("Contributors must be members of this municipality's core group."))
    submission.contributors.set(contributors)


def file_attach(*, submission: Submission, upload, by_user) -> SubmissionFile:
    with transaction.atomic():
        submission = _locked(submission)
        _check_editable(submission)
    original = PurePath(upload.name.replace("\\", "/")).name
    if original != upload.name or original in ("", ".", ".."):
        raise ValidationError({"file": _("The file name must not contain folders (%(name)s).") % {"name": upload.name}})
    original, content_type = upload_check(upload)
    row = SubmissionFile(submission=submission, original_name=original, size=upload.size, uploaded_by=by_user,
                         content_type=content_type)
    store(row, original, upload)
    if submission.status == Submission.Status.NOT_STARTED:
        Submission.objects.filter(pk=submission.pk, status=Submission.Status.NOT_STARTED).update(status=Submission.Status.DRAFT)
        freshness.touch()  # an update sends no signal
    return row


@transaction.atomic
def file_remove(*, submission: Submission, file: SubmissionFile) -> None:
    submission = _locked(submission)
    _check_editable(submission)
    if file.version_id is not None or file.submission_id != submission.pk:
        raise ValidationError(_("Delivered files are kept and cannot be removed."))
    name = file.file.name
    file.delete()
    if not SubmissionFile.objects.filter(file=name).exists():
        storage = file.file.storage
        transaction.on_commit(lambda: storage.delete(name))  # only once the row is really gone


@transaction.atomic
def draft_deliver(*, submission: Submission, text: str, base_revision: int, by_user, contributors=None,
                  uploads=()) -> SubmissionVersion:
    """Deliver exactly what the person is looking at: their text and contributors (saved first, with the
    same conflict check as a save) and any files they chose, in one transaction under the submission's lock.
    If someone changed the draft since ``base_revision`` was loaded, DraftConflict is raised and nothing is
    delivered, so nobody delivers a text they have not seen."""
    submission = draft_save(submission=submission, text=text, base_revision=base_revision, by_user=by_user,
                            contributors=contributors)
    for upload in uploads:
        file_attach(submission=submission, upload=upload, by_user=by_user)
    return submission_deliver(submission=submission, by_user=by_user)


@transaction.atomic
def submission_deliver(*, submission: Submission, by_user) -> SubmissionVersion:
    """Deliver the current draft as a new version. Refuses empty deliveries and deliveries after the
    cut-off; records lateness against the due time or the granted extension."""
    submission = _locked(submission)
    _check_editable(submission)
    now = timezone.now()
    if not submission.can_deliver_now:
        raise ValidationError(_("The cut-off has passed: nothing more can be delivered for this assignment."))
    draft_files = list(submission.files.filter(version__isnull=True))
    if not submission.draft_text.strip() and not draft_files:
        raise ValidationError(_("Write something or attach a file before you deliver."))
    number = submission.versions.count() + 1
    late = now > submission.effective_due_at
    contributors = [
        {"name": c.name, "title": c.title, "role_category": c.role_category}
        for c in submission.contributors.order_by("name")
    ]
    version = SubmissionVersion.objects.create(
        submission=submission, number=number, text=submission.draft_text, delivered_by=by_user, delivered_at=now,
        is_late=late, contributors=contributors,
    )
    for f in draft_files:  # the version keeps its own rows pointing at the same (immutable) stored files
        SubmissionFile.objects.create(submission=submission, version=version, file=f.file.name,
                                      original_name=f.original_name, content_type=f.content_type, size=f.size,
                                      uploaded_by=f.uploaded_by)
    submission.status = Submission.Status.DELIVERED
    submission.last_delivered_at = now
    if submission.first_delivered_late is None:
        submission.first_delivered_late = late
    submission.save(update_fields=["status", "last_delivered_at", "first_delivered_late"])
    return version


def _notify_municipality(submission: Submission, feedback: Feedback) -> None:
    coordinator = submission.participant.coordinator
    if coordinator is None:
        return
    email_enqueue_template(
        to=coordinator.email, template="emails/submission_reviewed", language=coordinator.language,
        context={"submission": submission, "feedback": feedback, "assignment": submission.assignment,
                 "participant": submission.participant, "path": submission.get_absolute_url()},
        dedupe_key=f"submission-reviewed:{feedback.pk}", kind=OutgoingEmail.Kind(f"submission_{feedback.kind}"),
        about=submission.assignment, party=submission.participant,
    )


@transaction.atomic
def submission_return(*, submission: Submission, by_user, comment: str) -> Submission:
    submission = _locked(submission)
    if submission.status != Submission.Status.DELIVERED:
        raise ValidationError(_("Only a delivered submission can be returned."))
    if not comment.strip():
        raise ValidationError({"text": _("Say what should be revised.")})
    submission.status = Submission.Status.RETURNED
    submission.save(update_fields=["status"])
    feedback = Feedback.objects.create(submission=submission, author=by_user, kind=Feedback.Kind.RETURNED, text=comment.strip())
    _notify_municipality(submission, feedback)
    return submission


@transaction.atomic
def submission_approve(*, submission: Submission, by_user, comment: str = "") -> Submission:
    submission = _locked(submission)
    if submission.status != Submission.Status.DELIVERED:
        raise ValidationError(_("Only a delivered submission can be approved."))
    submission.status = Submission.Status.APPROVED
    submission.save(update_fields=["status"])
    feedback = Feedback.objects.create(submission=submission, author=by_user, kind=Feedback.Kind.APPROVED,
                                       text=comment.strip() or _("Approved."))
    _notify_municipality(submission, feedback)
    return submission


def feedback_add(*, submission: Submission, by_user, text: str) -> Feedback:
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return Feedback.objects.create(submission=submission, author=by_user, kind=Feedback.Kind.COMMENT, text=text.strip())


# --- Extensions -----------------------------------------------------------------------------------

def _check_new_due(submission: Submission, new_due_at) -> None:
    if new_due_at <= submission.assignment.due_at:
        raise ValidationError({"new_due_at": _("An extension must be later than the original due time.")})


@transaction.atomic
def extension_grant(*, submission: Submission, new_due_at, reason: str, by_user) -> Extension:
    submission = _locked(submission)
    _check_new_due(submission, new_due_at)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    extension = Extension.objects.create(
        submission=submission, new_due_at=new_due_at, reason=reason.strip(), status=Extension.Status.GRANTED,
        requested_by=by_user, decided_by=by_user, decided_at=timezone.now(),
    )
    _apply_extension(submission, extension, by_user)
    return extension


def _apply_extension(submission: Submission, extension: Extension, by_user) -> None:
    submission.extended_due_at = extension.new_due_at
    submission.save(update_fields=["extended_due_at"])
    Feedback.objects.create(
        submission=submission, author=by_user, kind=Feedback.Kind.EXTENSION,
        text=_("Extension granted until %(due)s: %(reason)s") % {
            "due": timezone.localtime(extension.new_due_at, OSLO).strftime("%d.%m.%Y %H:%M"), "reason": extension.reason},
    )


@transaction.atomic
def extension_request(*, submission: Submission, new_due_at, reason: str, by_user) -> Extension:
    submission = _locked(submission)
    _check_editable(submission)
    _check_new_due(submission, new_due_at)
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason.")})
    if submission.extensions.filter(status=Extension.Status.REQUESTED).exists():
        raise ValidationError(_("An extension request is already waiting for an answer."))
    extension = Extension.objects.create(submission=submission, new_due_at=new_due_at, reason=reason.strip(),
                                         requested_by=by_user)
    for coordinator in submission.assignment.round.regional_coordinators.all():
        email_enqueue_template(
            to=coordinator.email, template="emails/extension_requested", language=coordinator.language,
            context={"submission": submission, "extension": extension, "path": submission.get_absolute_url()},
            dedupe_key=f"extension-requested:{extension.pk}:{coordinator.pk}", kind=OutgoingEmail.Kind.EXTENSION_REQUESTED,
            about=submission.assignment, party=submission.participant,
        )
    return extension


@transaction.atomic
def extension_decide(*, extension: Extension, grant: bool, by_user, note: str = "") -> Extension:
    extension = Extension.objects.select_for_update().select_related("submission").get(pk=extension.pk)
    if extension.status != Extension.Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."))
    extension.status = Extension.Status.GRANTED if grant else Extension.Status.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = by_user, timezone.now(), note.strip()
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    submission = _locked(extension.submission)
    if grant:
        _apply_extension(submission, extension, by_user)
    else:
        Feedback.objects.create(submission=submission, author=by_user, kind=Feedback.Kind.EXTENSION,
                                text=_("Extension refused. %(note)s") % {"note": note.strip()})
    return extension
