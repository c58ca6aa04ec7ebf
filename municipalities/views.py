from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from absolutt import access
from absolutt.forms_util import add_service_errors

from . import services
from .forms import CoreGroupMemberForm, ParticipantCreateForm, ParticipantUpdateForm


@login_required
def participant_detail(request, pk):
    participant = access.get_participant_for_user(request.user, pk)
    members = list(participant.core_group.select_related("user").order_by("-is_active", "name"))
    can_manage = access.can_manage_core_group(request.user, participant)
    can_manage_round = access.can_manage_round(request.user, participant.round)
    invitations = participant.invitations.order_by("-created_at") if can_manage else []
    context = {
        "participant": participant,
        "members": members,
        "composition": participant.composition(),
        "can_manage": can_manage,
        "can_manage_round": can_manage_round,
        "invitations": invitations,
        "predecessors": participant.municipality.predecessors.all() if participant.municipality_id else [],
    }
    return render(request, "municipalities/participant_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def participant_create(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk, manage=True)
    form = ParticipantCreateForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_create(round_=round_, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added to the round.") % {"name": participant.name})
            return redirect(participant)
    return render(
        request, "form_page.html",
        {"form": form, "heading": _("Add participant to %(title)s") % {"title": round_.title},
         "cancel_url": round_.get_absolute_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request, pk):
    participant = access.get_participant_for_user(request.user, pk, manage_core_group=True)
    initial = {"local_approach": participant.local_approach, "focus_area": participant.focus_area}
    form = ParticipantUpdateForm(request.POST or None, initial=initial, round_=participant.round)
    if request.method == "POST" and form.is_valid():
        services.participant_update(participant=participant, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect(participant)
    return render(
        request, "form_page.html",
        {"form": form, "heading": _("Edit %(name)s") % {"name": participant.name},
         "cancel_url": participant.get_absolute_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    participant = access.get_participant_for_user(request.user, pk, manage_core_group=True)
    form = CoreGroupMemberForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            member = services.core_group_member_create(participant=participant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added to the core group.") % {"name": member.name})
            return redirect(participant)
    return render(
        request, "form_page.html",
        {"form": form, "heading": _("New core group member in %(name)s") % {"name": participant.name},
         "cancel_url": participant.get_absolute_url()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk, member_pk):
    participant = access.get_participant_for_user(request.user, pk, manage_core_group=True)
    member = access.get_core_group_member_for_user(request.user, participant, member_pk)
    form = CoreGroupMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.core_group_member_update(member=member, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The core group was updated."))
            return redirect(participant)
    return render(
        request, "form_page.html",
        {"form": form, "heading": _("Edit %(name)s") % {"name": member.name},
         "cancel_url": participant.get_absolute_url()},
    )

