from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from absolutt import access
from absolutt.core import fragments
from absolutt.forms_util import add_service_errors, form_page
from sessions_app import reminders as gathering_reminders
from sessions_app import selectors as gathering_selectors

from . import reminders, selectors, services
from .forms import AssignmentForm, CommentForm, DraftForm, ExtensionForm, FileForm, NudgeForm, ReviewForm
from .models import Assignment, Extension, Submission


@login_required
def round_work(request, round_pk):
    """The tracking matrix (participants × assignments) for the round's coordinators, partners and the
    national lead; municipalities see only their own row."""
    round_ = access.get_round_for_user(request.user, round_pk)
    status_filter = request.GET.get("vis", "")
    if status_filter not in ("", "overdue", "not_started", "awaiting_review"):
        status_filter = ""
    participants = access.visible_participants(request.user).filter(round=round_).order_by(
        "municipality__short_name", "county__name")
    m = fragments.lazy(lambda: selectors.matrix(round_, participants, status_filter=status_filter))
    can_manage = access.can_manage_round(request.user, round_)
    context = {
        "round": round_, "matrix": m, "stats": fragments.lazy(lambda: m.column_stats()), "status_filter": status_filter,
        "can_manage": can_manage,
        "can_export": access.can_see_round_results(request.user, round_, manages_round=can_manage),
    }
    # The same table for everyone who sees the same participants of the round and may do the same there. The
    # reminder counts come from the outbox, which the reminder engine fills in bulk (no signal, so the data's
    # version does not move): its newest row is part of the key.
    context["content"] = fragments.render("interwork/_round_work.html", context, scope=[
        round_.pk, "every participant" if access.sees_every_participant(request.user, round_) else request.user.pk,
        context["can_manage"], context["can_export"], status_filter, selectors.newest_reminder()])
    return render(request, "interwork/round_work.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def nudge(request, round_pk):
    """"Send påminnelse": a regional coordinator reminds the chosen participants of one assignment or one
    samling, after a preview of the e-mail; it is listed with the work's (or the samling's) reminders."""
    round_ = access.get_round_for_user(request.user, round_pk, manage=True)
    participants = access.visible_participants(request.user).filter(round=round_).select_related(
        "municipality", "county", "coordinator").order_by("municipality__short_name", "county__name")
    initial = {}
    if a := request.GET.get("oppgave", ""):
        initial["assignment"] = a if a.isdigit() else None
    if chosen := [p for p in request.GET.getlist("deltaker") if p.isdigit()]:
        initial["participants"] = chosen
    form = NudgeForm(request.POST or None, initial=initial, round_=round_, participants=participants)
    preview = plan = None
    if request.method == "POST" and form.is_valid():
        assignment, gathering = form.cleaned_data["assignment"], form.cleaned_data["gathering"]
        chosen, message = list(form.cleaned_data["participants"]), form.cleaned_data["message"]
        if "send" in request.POST:
            if assignment:
                sent, plan = reminders.reminder_nudge(assignment=assignment, participants=chosen,
                                                      by_user=request.user, message=message)
            else:
                sent, plan = gathering_reminders.gathering_nudge(gathering=gathering, participants=chosen)
            messages.success(request, _("Reminders sent: %(n)s.") % {"n": sent})
            for p, reason in plan.skipped:
                messages.warning(request, _("Not sent to %(name)s: %(reason)s.") % {"name": p.name, "reason": reason})
            return redirect("interwork:round_work", round_pk=round_.pk)
        preview, plan = reminders.nudge_preview(assignment=assignment, gathering=gathering, participants=chosen,
                                                by_user=request.user, message=message, now=timezone.now())
    return render(request, "interwork/nudge.html", {"round": round_, "form": form, "preview": preview, "plan": plan})


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk, manage=True)
    form = AssignmentForm(request.POST or None, round_=round_)
    return form_page(
        request, form, save=lambda data: services.assignment_create(round_=round_, data=data, by_user=request.user),
        message=_("The assignment was created and is shown to every participant."),
        heading=_("New mellomarbeid in %(title)s") % {"title": round_.title}, cancel_url=round_.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk):
    assignment = access.get_assignment_for_user(request.user, pk, manage=True)
    form = AssignmentForm(request.POST or None, instance=assignment, round_=assignment.round)
    return form_page(
        request, form, save=lambda data: services.assignment_update(assignment=assignment, data=data),
        message=_("The assignment was saved."), done=assignment,
        heading=_("Edit %(title)s") % {"title": assignment.title}, cancel_url=assignment.get_absolute_url())


@login_required
def assignment_detail(request, pk):
    assignment = access.get_assignment_for_user(request.user, pk)
    participants = access.visible_participants(request.user).filter(round=assignment.round).order_by(
        "municipality__short_name", "county__name")
    m = selectors.matrix(assignment.round, participants)
    index = [a.pk for a in m.assignments].index(assignment.pk)
    cells = [cells[index] for _p, cells in m.rows]
    return render(request, "interwork/assignment_detail.html", {
        "assignment": assignment, "round": assignment.round, "cells": cells,
        "can_manage": access.can_manage_round(request.user, assignment.round),
    })


_NOTHING_YET = {"draft_files": [], "versions": [], "feedback": [], "extensions": [], "pending_extension": None}


def _submission_history(submission) -> dict:
    return {
        "draft_files": submission.files.filter(version__isnull=True),
        "versions": submission.versions.select_related("delivered_by").prefetch_related("files").order_by("-number"),
        "feedback": submission.feedback.select_related("author"),
        "extensions": submission.extensions.select_related("requested_by", "decided_by"),
        "pending_extension": submission.extensions.filter(status=Extension.Status.REQUESTED).first(),
    }


def _submission_context(request, assignment, participant, submission, **extra):
    user = request.user
    can_edit = access.can_edit_submission(user, participant) and submission.status in services.EDITABLE
    elected, administrative = selectors.levels_covered(submission)
    context = {
        "assignment": assignment, "participant": participant, "submission": submission, "round": assignment.round,
        "can_edit": can_edit, "can_deliver": access.can_deliver(user, participant),
        "can_review": access.can_review(user, assignment.round),
        "can_manage": access.can_manage_round(user, assignment.round),
        **(_submission_history(submission) if submission.pk else _NOTHING_YET),
        "reminders": selectors.reminder_log(submission)[:50],
        "has_elected": elected, "has_administrative": administrative,
        "file_form": FileForm(), "comment_form": CommentForm(auto_id="id_comment_%s"), "review_form": ReviewForm(auto_id="id_review_%s"),
        "extension_form": ExtensionForm(),
        "now": timezone.now(),
    }
    if "draft_form" not in extra:
        context["draft_form"] = DraftForm(participant=participant, initial={
            "text": submission.draft_text, "base_revision": submission.draft_revision,
            "contributors": list(submission.contributors.all()) if submission.pk else []})
    context.update(extra)
    return context


def _get(request, pk, participant_pk, *, for_writing: bool = True):
    """The assignment, participant and submission behind a submission URL. Only a write creates the
    submission row; a read gets an unsaved one when there is none yet."""
    assignment = access.get_assignment_for_user(request.user, pk)
    participant = access.get_participant_for_user(request.user, participant_pk)
    if participant.round_id != assignment.round_id:
        raise Http404
    if for_writing:
        submission = services.submission_for(assignment=assignment, participant=participant)
    else:
        submission = selectors.submission_or_new(assignment=assignment, participant=participant)
    return assignment, participant, submission


@login_required
def submission_detail(request, pk, participant_pk):
    assignment, participant, submission = _get(request, pk, participant_pk, for_writing=False)
    return render(request, "interwork/submission_detail.html", _submission_context(request, assignment, participant, submission))


def _wants_json(request) -> bool:
    return request.headers.get("Accept", "").startswith("application/json")


def _conflict_response(request, assignment, participant, form, stored, *, message: str):
    """The draft changed under the person (a colleague saved, or it was delivered): nothing of theirs is
    overwritten and nothing is lost. Their typed text stays in the editor (carrying the stored revision, so
    saving again after merging succeeds) and the stored text is shown beside it."""
    typed = form.cleaned_data["text"]
    if _wants_json(request):
        return JsonResponse({
            "conflict": True, "locked": stored.status not in services.EDITABLE, "message": message,
            "stored_text": stored.draft_text, "revision": stored.draft_revision,
        }, status=409)
    messages.warning(request, message)
    draft_form = DraftForm(participant=participant, initial={
        "text": typed, "base_revision": stored.draft_revision, "contributors": form.cleaned_data["contributors"]})
    return render(request, "interwork/submission_detail.html", _submission_context(
        request, assignment, participant, stored, draft_form=draft_form, conflict_text=stored.draft_text,
        typed_text=typed), status=409)


def _saved_by_other_message(stored) -> str:
    return _("%(name)s saved this draft while you were writing. Your text is kept below; the saved text is shown beside it. Merge them and save again.") % {
        "name": stored.draft_saved_by.get_full_name() if stored.draft_saved_by else _("Someone")}


def _files_changed(request, submission) -> list[str]:
    """Attach the files chosen in the editor and remove the one asked for; returns what was refused."""
    problems = []
    for upload in request.FILES.getlist("file"):
        try:
            services.file_attach(submission=submission, upload=upload, by_user=request.user)
        except ValidationError as exc:
            problems.extend(exc.messages)
    remove = request.POST.get("remove_file", "")
    if remove.isdigit():
        row = submission.files.filter(pk=int(remove)).first()
        if row is not None:
            try:
                services.file_remove(submission=submission, file=row)
            except ValidationError as exc:
                problems.extend(exc.messages)
    return problems


@login_required
@require_POST
def draft_save(request, pk, participant_pk):
    """The editor's one form: text, contributors and files are saved together (the text first), by the
    "Save draft" button, by autosave, and when a file is chosen."""
    assignment, participant, submission = _get(request, pk, participant_pk)
    if not access.can_edit_submission(request.user, participant):
        raise PermissionDenied
    wants_json = _wants_json(request)
    form = DraftForm(request.POST, participant=participant)
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"error": _("The draft could not be saved."), "errors": form.errors}, status=400)
        return render(request, "interwork/submission_detail.html",
                      _submission_context(request, assignment, participant, submission, draft_form=form), status=400)
    try:
        submission = services.draft_save(
            submission=submission, text=form.cleaned_data["text"], base_revision=form.cleaned_data["base_revision"],
            by_user=request.user, contributors=form.cleaned_data["contributors"],
        )
    except services.DraftConflict as conflict:
        return _conflict_response(request, assignment, participant, form, conflict.submission,
                                  message=_saved_by_other_message(conflict.submission))
    except ValidationError as exc:  # delivered or approved in the meantime
        stored = Submission.objects.get(pk=submission.pk)
        return _conflict_response(request, assignment, participant, form, stored, message=" ".join(
            [*exc.messages, _("Your text was not saved; it is shown below so that you can copy it.")]))
    problems = _files_changed(request, submission)
    saved_at = timezone.localtime(submission.draft_saved_at)
    if wants_json:
        return JsonResponse({
            "revision": submission.draft_revision, "saved_at": saved_at.strftime("%H:%M"), "problems": problems,
            "files_html": render_to_string("interwork/_draft_files.html", {
                "assignment": assignment, "participant": participant, "can_edit": True,
                "draft_files": submission.files.filter(version__isnull=True)}, request=request),
        })
    for problem in problems:
        messages.error(request, problem)
    messages.success(request, _("The draft was saved."))
    return redirect(submission.get_absolute_url() + ("#filer" if request.FILES or "remove_file" in request.POST else ""))


@login_required
@require_POST
def file_upload(request, pk, participant_pk):
    assignment, participant, submission = _get(request, pk, participant_pk)
    if not access.can_edit_submission(request.user, participant):
        raise PermissionDenied
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_attach(submission=submission, upload=form.cleaned_data["file"], by_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The file was attached to the draft."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect(submission.get_absolute_url() + "#filer")


@login_required
def file_download(request, pk, participant_pk, file_pk):
    _a, _p, submission = _get(request, pk, participant_pk, for_writing=False)
    row = submission.files.filter(pk=file_pk).first() if submission.pk else None
    if row is None:
        raise Http404
    response = FileResponse(row.file.open("rb"), as_attachment=True, filename=row.original_name,
                            content_type=row.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def file_remove(request, pk, participant_pk, file_pk):
    _a, participant, submission = _get(request, pk, participant_pk)
    if not access.can_edit_submission(request.user, participant):
        raise PermissionDenied
    row = submission.files.filter(pk=file_pk).first()
    if row is None:
        raise Http404
    try:
        services.file_remove(submission=submission, file=row)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(submission.get_absolute_url() + "#filer")


@login_required
@require_POST
def deliver(request, pk, participant_pk):
    """Deliver what the person is looking at: the editor's text, contributors and files, at the revision the
    page was loaded with. If a colleague changed the draft since, nothing is delivered and both texts are
    shown."""
    assignment, participant, submission = _get(request, pk, participant_pk)
    if not access.can_deliver(request.user, participant):
        raise PermissionDenied
    form = DraftForm(request.POST, participant=participant)
    if not form.is_valid():
        messages.error(request, _("Nothing was delivered: the page was out of date. Check the text and deliver again."))
        return render(request, "interwork/submission_detail.html",
                      _submission_context(request, assignment, participant, submission), status=400)
    try:
        version = services.draft_deliver(
            submission=submission, text=form.cleaned_data["text"], base_revision=form.cleaned_data["base_revision"],
            by_user=request.user, contributors=form.cleaned_data["contributors"], uploads=request.FILES.getlist("file"))
    except services.DraftConflict as conflict:
        stored = conflict.submission
        return _conflict_response(request, assignment, participant, form, stored, message=_(
            "%(name)s changed the draft after you opened it, so nothing was delivered. Your text is kept below and "
            "the saved text is shown beside it. Merge them, then deliver again.") % {
            "name": stored.draft_saved_by.get_full_name() if stored.draft_saved_by else _("Someone")})
    except ValidationError as exc:
        stored = Submission.objects.get(pk=submission.pk)
        if stored.status in services.EDITABLE:  # empty, or after the cut-off: the text stays in the editor
            messages.error(request, " ".join(exc.messages))
            draft_form = DraftForm(participant=participant, initial={
                "text": form.cleaned_data["text"], "base_revision": stored.draft_revision,
                "contributors": form.cleaned_data["contributors"]})
            return render(request, "interwork/submission_detail.html", _submission_context(
                request, assignment, participant, stored, draft_form=draft_form), status=400)
        return _conflict_response(request, assignment, participant, form, stored, message=" ".join(exc.messages))
    if version.is_late:
        messages.warning(request, _("Delivered as version %(n)s – after the due time.") % {"n": version.number})
    else:
        messages.success(request, _("Delivered as version %(n)s. Thank you!") % {"n": version.number})
    return redirect(submission.get_absolute_url())


@login_required
@require_POST
def review(request, pk, participant_pk):
    assignment, _p, submission = _get(request, pk, participant_pk)
    if not access.can_review(request.user, assignment.round):
        raise PermissionDenied
    text = request.POST.get("text", "")
    try:
        if request.POST.get("action") == "approve":
            services.submission_approve(submission=submission, by_user=request.user, comment=text)
            messages.success(request, _("Approved. The municipal coordinator was told."))
        elif request.POST.get("action") == "return":
            services.submission_return(submission=submission, by_user=request.user, comment=text)
            messages.success(request, _("Returned for revision. The municipal coordinator was told."))
        else:
            raise ValidationError(_("Choose approve or return."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(submission.get_absolute_url())


@login_required
@require_POST
def comment(request, pk, participant_pk):
    assignment, participant, submission = _get(request, pk, participant_pk)
    if not (access.can_review(request.user, assignment.round) or access.can_edit_submission(request.user, participant)):
        raise PermissionDenied
    try:
        services.feedback_add(submission=submission, by_user=request.user, text=request.POST.get("text", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(submission.get_absolute_url() + "#tilbakemeldinger")


@login_required
@require_POST
def extension(request, pk, participant_pk):
    assignment, participant, submission = _get(request, pk, participant_pk)
    grants = access.can_manage_round(request.user, assignment.round)
    if not grants and not access.can_deliver(request.user, participant):
        raise PermissionDenied
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            if grants:
                services.extension_grant(submission=submission, by_user=request.user, **form.cleaned_data)
                messages.success(request, _("The extension was granted."))
            else:
                services.extension_request(submission=submission, by_user=request.user, **form.cleaned_data)
                messages.success(request, _("Your request was sent to the regional coordinator."))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(submission.get_absolute_url() + "#frist")
    # The page again with the form as filled in, its problems next to the fields and summarised on top of it.
    return render(request, "interwork/submission_detail.html",
                  _submission_context(request, assignment, participant, submission, extension_form=form))


@login_required
@require_POST
def extension_decide(request, pk, participant_pk, extension_pk):
    assignment, _p, submission = _get(request, pk, participant_pk)
    if not access.can_manage_round(request.user, assignment.round):
        raise PermissionDenied
    ext = submission.extensions.filter(pk=extension_pk).first()
    if ext is None:
        raise Http404
    try:
        services.extension_decide(extension=ext, grant=request.POST.get("grant") == "1", by_user=request.user,
                                  note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(submission.get_absolute_url() + "#frist")


@login_required
def round_timeline(request, round_pk):
    """Årshjul: every samling of the round in order, past and coming."""
    round_ = access.get_round_for_user(request.user, round_pk)
    gatherings = list(gathering_selectors.gatherings_for_list(round_.gatherings.all()))
    assignments = list(Assignment.objects.filter(round=round_).order_by("due_at"))
    events = sorted([("samling", g.starts_at, g) for g in gatherings] + [("frist", a.due_at, a) for a in assignments],
                    key=lambda e: e[1])
    return render(request, "sessions_app/timeline.html", {
        "round": round_, "events": events, "can_manage": access.can_manage_round(request.user, round_),
    })
