from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from absolutt import access
from absolutt.core import fragments
from absolutt.forms_util import add_service_errors, form_page
from absolutt.notifications.selectors import emails_about

from . import selectors, services
from .forms import (
    AgendaItemForm,
    GatheringForm,
    MaterialForm,
    RegistrationForm,
    SelfRegistrationForm,
    SummaryForm,
)
from .models import Gathering, Registration


@login_required
@require_http_methods(["GET", "POST"])
def gathering_create(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk, manage=True)
    form = GatheringForm(request.POST or None, initial={"seats_per_participant": 5, "require_mix": True})
    return form_page(
        request, form, save=lambda data: services.gathering_create(round_=round_, data=data),
        message=_("The samling was created. Add the agenda next."),
        heading=_("New samling in %(title)s") % {"title": round_.title}, cancel_url=round_.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def gathering_edit(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    form = GatheringForm(request.POST or None, instance=gathering)
    return form_page(
        request, form, save=lambda data: services.gathering_update(gathering=gathering, data=data), done=gathering,
        message=_("The samling was saved. If the time changed, everyone invited was told."),
        heading=_("Edit %(title)s") % {"title": gathering.title}, cancel_url=gathering.get_absolute_url())


@login_required
def gathering_detail(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk)
    return render(request, "sessions_app/gathering_detail.html", _detail_context(request, gathering))


def _detail_context(request, gathering, *, registration_form=None) -> dict:
    """The samling page. Its top (facts, agenda), the registrations per municipality and the empty "Register
    someone" fields are fragments kept under the data's version (``absolutt.core.fragments``), each for everyone
    with the same rights on the samling; the rest (the person's own registration, the forms with their CSRF
    token, materials, the e-mails sent) is made for each request. ``registration_form``: a filled-in form to
    show again with its errors."""
    user = request.user
    can_manage = access.can_manage_round(user, gathering.round)
    registrable_qs = access.registrable_participants(user, gathering, manages_round=can_manage)
    registrable = list(registrable_qs.values_list("pk", flat=True))
    visible = access.visible_participants(user).filter(round_id=gathering.round_id)
    # Core group members register themselves for joint samlinger; koordinatorsamlinger are for coordinators.
    own_rows = gathering.kind != Gathering.Kind.COORDINATORS and access.is_core_group_member_in(user, gathering.round_id)
    my_registration = gathering.registrations.exclude(status=Registration.Status.CANCELLED).filter(
        email__iexact=user.email).first()
    see_results = access.can_see_round_results(user, gathering.round, manages_round=can_manage)
    context = {
        "gathering": gathering,
        "round": gathering.round,
        "can_manage": can_manage,
        "self_form": SelfRegistrationForm(auto_id="id_self_%s") if own_rows and not my_registration and gathering.registration_is_open
        and gathering.is_physical else None,
        "can_self_register": bool(own_rows) and not my_registration and gathering.registration_is_open,
        "my_registration": my_registration,
        "my_waiting_position": selectors.waiting_position(my_registration) if my_registration else None,
        "show_video": gathering.has_video and (can_manage or (my_registration and my_registration.status == "registered")),
        "reminders": emails_about(gathering)[:200]
        if can_manage else [],
        "can_see_evaluation": gathering.is_past and see_results,
    }
    about = {
        "gathering": gathering, "round": gathering.round, "can_manage": can_manage,
        "can_see_evaluation": context["can_see_evaluation"], "show_video": context["show_video"],
        "agenda": gathering.agenda.prefetch_related("materials"),
        "materials": gathering.materials.filter(agenda_item__isnull=True),
        "totals": fragments.lazy(lambda: selectors.gatherings_for_list(Gathering.objects.filter(pk=gathering.pk)).get()),
    }
    context["about_html"] = fragments.render("sessions_app/_gathering_about.html", about, scope=[
        gathering.pk, can_manage, context["can_see_evaluation"], bool(context["show_video"])])
    if can_manage or registrable or own_rows or see_results:
        # The round's coordinators see every municipality and may cancel every registration; anyone else sees
        # and may cancel only some (their own): a fragment of their own.
        context["delegations"] = fragments.lazy(lambda: selectors.delegations(gathering, visible))
        context["delegations_html"] = fragments.render("sessions_app/_delegations.html", {
            "gathering": gathering, "can_manage": can_manage, "user": user, "delegations": context["delegations"]},
            scope=[gathering.pk, can_manage, None if can_manage else user.pk])
    if registration_form is not None:
        context["registration_form"] = registration_form
        context["registration_fields"] = render_to_string("sessions_app/_registration_fields.html",
                                                          {"form": registration_form})
    elif registrable and (gathering.registration_is_open or can_manage):
        def empty_form() -> dict:
            participants = list(registrable_qs.select_related("municipality", "county"))
            return {"form": RegistrationForm(participants=participants, physical=gathering.is_physical)}

        context["registration_fields"] = fragments.render("sessions_app/_registration_fields.html", empty_form,
                                                          scope=[registrable, gathering.is_physical])
    return context


@login_required
@require_POST
def registration_create(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk)
    registrable = list(access.registrable_participants(request.user, gathering).select_related("municipality", "county"))
    if not registrable:
        raise PermissionDenied
    form = RegistrationForm(request.POST, participants=registrable, physical=gathering.is_physical)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = services.registration_create(
                gathering=gathering, participant=data["participant"], by_user=request.user,
                core_group_member=data.get("member"), name=data.get("name", ""), email=data.get("email", ""),
                title=data.get("title", ""), role_category=data.get("role_category", ""),
                dietary_needs=data.get("dietary_needs", ""), accessibility_needs=data.get("accessibility_needs", ""),
                override=access.can_manage_round(request.user, gathering.round),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _registered_message(request, registration)
            return redirect(gathering.get_absolute_url() + "#pamelding")
    # The page again with the form as filled in: each problem next to its field and in the summary on top of
    # the form, which takes focus (no redirect that would drop the typing or jump away from the errors).
    return render(request, "sessions_app/gathering_detail.html",
                  _detail_context(request, gathering, registration_form=form))


def _registered_message(request, registration):
    if registration.status == Registration.Status.WAITING:
        messages.warning(request, _("The samling is full. %(name)s is on the waiting list as number %(n)s and will be told by e-mail if a seat becomes free.")
                         % {"name": registration.name, "n": selectors.waiting_position(registration)})
    else:
        messages.success(request, _("%(name)s is registered.") % {"name": registration.name})


@login_required
@require_POST
def registration_self(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk)
    row = access.own_core_group_rows(request.user, gathering).select_related("participant").first()
    if row is None or gathering.kind == Gathering.Kind.COORDINATORS:
        raise PermissionDenied
    form = SelfRegistrationForm(request.POST)
    form.is_valid()
    try:
        registration = services.registration_create(
            gathering=gathering, participant=row.participant, by_user=request.user, core_group_member=row,
            dietary_needs=form.cleaned_data.get("dietary_needs", ""),
            accessibility_needs=form.cleaned_data.get("accessibility_needs", ""),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        _registered_message(request, registration)
    return redirect(gathering.get_absolute_url() + "#pamelding")


@login_required
@require_POST
def registration_cancel(request, pk, registration_pk):
    gathering = access.get_gathering_for_user(request.user, pk)
    registration = access.get_registration_for_user(request.user, gathering, registration_pk, change=True)
    try:
        promoted = services.registration_cancel(
            registration=registration, by_user=request.user,
            override=access.can_manage_round(request.user, gathering.round),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s is no longer registered.") % {"name": registration.name})
        if promoted is not None:
            messages.info(request, _("%(name)s got the free seat from the waiting list.") % {"name": promoted.name})
    return redirect(gathering.get_absolute_url() + "#pamelding")


@login_required
def checkin(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    registrations = list(selectors.active_registrations(gathering).filter(status=Registration.Status.REGISTERED))
    return render(request, "sessions_app/checkin.html", {
        "gathering": gathering, "registrations": registrations,
        "present": sum(1 for r in registrations if r.attended),
    })


@login_required
@require_POST
def checkin_mark(request, pk, registration_pk):
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    registration = access.get_registration_for_user(request.user, gathering, registration_pk, change=True)
    attended = request.POST.get("attended") == "1"
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    try:
        registration = services.attendance_set(registration=registration, attended=attended, by_user=request.user)
    except ValidationError as exc:
        if wants_json:
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
    if wants_json:  # the check-in page marks in place: the new row and the count of who is here
        counts = gathering.registrations.filter(status=Registration.Status.REGISTERED).aggregate(
            total=Count("pk"), present=Count("pk", filter=Q(attended=True)))
        return JsonResponse({
            "row": render_to_string("sessions_app/_checkin_row.html", {"gathering": gathering, "r": registration},
                                    request=request),
            **counts,
        })
    return redirect(f"{gathering.get_absolute_url()}innsjekk/#r{registration.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, pk, item_pk=None):
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    item = None
    if item_pk is not None:
        item = gathering.agenda.filter(pk=item_pk).first()
        if item is None:
            raise Http404
    initial = {} if item else {"starts_at": gathering.starts_at}
    form = AgendaItemForm(request.POST or None, instance=item, initial=initial)
    if request.method == "POST":
        if "delete" in request.POST and item is not None:
            services.agenda_item_delete(item=item)
            messages.success(request, _("The agenda item was removed."))
            return redirect(gathering.get_absolute_url() + "#program")
        if form.is_valid():
            try:
                services.agenda_item_save(gathering=gathering, item=item, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The agenda was updated."))
                if "add_another" in request.POST:
                    return redirect("sessions_app:agenda_item_create", pk=gathering.pk)
                return redirect(gathering.get_absolute_url() + "#program")
    return render(request, "sessions_app/agenda_form.html", {"gathering": gathering, "form": form, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def material_upload(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    form = MaterialForm(request.POST or None, request.FILES or None, gathering=gathering)
    return form_page(
        request, form, save=lambda data: services.material_upload(
            gathering=gathering, agenda_item=data["agenda_item"], title=data["title"], upload=data["file"],
            by_user=request.user),
        message=_("The file was uploaded."), done=gathering.get_absolute_url() + "#materiell",
        heading=_("Upload material to %(title)s") % {"title": gathering.title},
        cancel_url=gathering.get_absolute_url(), multipart=True)


@login_required
def material_download(request, pk, material_pk):
    gathering = access.get_gathering_for_user(request.user, pk)
    material = gathering.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404
    response = FileResponse(material.file.open("rb"), as_attachment=True, filename=material.original_name,
                            content_type=material.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def material_delete(request, pk, material_pk):
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    material = gathering.materials.filter(pk=material_pk).first()
    if material is None:
        raise Http404
    services.material_delete(material=material)
    messages.success(request, _("The file was removed."))
    return redirect(gathering.get_absolute_url() + "#materiell")


@login_required
@require_http_methods(["GET", "POST"])
def summary_edit(request, pk):
    gathering = access.get_gathering_for_user(request.user, pk, manage=True)
    form = SummaryForm(request.POST or None, initial={"summary": gathering.summary})
    return form_page(
        request, form, save=lambda data: services.gathering_summary_update(gathering=gathering, summary=data["summary"]),
        message=_("The summary was saved and is shown to everyone in the round."),
        done=gathering.get_absolute_url() + "#referat",
        heading=_("Summary of %(title)s") % {"title": gathering.title}, cancel_url=gathering.get_absolute_url())


@login_required
def attendance(request, round_pk):
    round_ = access.get_round_for_user(request.user, round_pk, manage=True)
    gatherings, rows = selectors.attendance_matrix(round_, access.visible_participants(request.user).filter(round=round_))
    return render(request, "sessions_app/attendance.html", {"round": round_, "gatherings": gatherings, "rows": rows})
