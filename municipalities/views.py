from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from absolutt import access
from absolutt.core import fragments
from absolutt.forms_util import form_page

from . import services
from .forms import CoreGroupMemberForm, ParticipantCreateForm, ParticipantUpdateForm


@login_required
def participant_detail(request, pk):
    participant = access.get_participant_for_user(request.user, pk)
    can_manage = access.can_manage_core_group(request.user, participant)
    context = {
        "participant": participant,
        "members": fragments.lazy(lambda: list(participant.core_group.order_by("-is_active", "name"))),
        "composition": participant.composition(),
        "can_manage": can_manage,
        "invitations": participant.invitations.order_by("-created_at") if can_manage else [],
        "predecessors": fragments.lazy(
            lambda: list(participant.municipality.predecessors.all()) if participant.municipality_id else []),
    }
    # The facts and the core group: the same for everyone who may see the participant and may (or may not)
    # manage its core group. The invitations, with their forms, are made for each request.
    context["about_html"] = fragments.render("municipalities/_participant_about.html", context,
                                             scope=[participant.pk, can_manage])
    return render(request, "municipalities/participant_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def participant_create(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk, manage=True)
    form = ParticipantCreateForm(request.POST or None, round_=round_)
    return form_page(
        request, form, save=lambda data: services.participant_create(round_=round_, **data),
        message=lambda participant: _("%(name)s was added to the round.") % {"name": participant.name},
        heading=_("Add participant to %(title)s") % {"title": round_.title}, cancel_url=round_.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def participant_edit(request, pk):
    participant = access.get_participant_for_user(request.user, pk, manage_core_group=True)
    initial = {"local_approach": participant.local_approach, "focus_area": participant.focus_area}
    form = ParticipantUpdateForm(request.POST or None, initial=initial, round_=participant.round)
    return form_page(
        request, form, save=lambda data: services.participant_update(participant=participant, **data),
        message=_("Saved."), done=participant,
        heading=_("Edit %(name)s") % {"name": participant.name}, cancel_url=participant.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, pk):
    participant = access.get_participant_for_user(request.user, pk, manage_core_group=True)
    form = CoreGroupMemberForm(request.POST or None, initial={"is_active": True})
    return form_page(
        request, form, save=lambda data: services.core_group_member_create(participant=participant, **data),
        message=lambda member: _("%(name)s was added to the core group.") % {"name": member.name}, done=participant,
        heading=_("New core group member in %(name)s") % {"name": participant.name},
        cancel_url=participant.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk, member_pk):
    participant = access.get_participant_for_user(request.user, pk, manage_core_group=True)
    member = access.get_core_group_member_for_user(request.user, participant, member_pk)
    form = CoreGroupMemberForm(request.POST or None, instance=member)
    return form_page(
        request, form, save=lambda data: services.core_group_member_update(member=member, **data),
        message=_("The core group was updated."), done=participant,
        heading=_("Edit %(name)s") % {"name": member.name}, cancel_url=participant.get_absolute_url())

