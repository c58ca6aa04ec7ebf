from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from absolutt import access
from absolutt.forms_util import add_service_errors
from municipalities.selectors import participants_with_composition

from . import services
from .forms import RoundForm
from .selectors import rounds_for_list


@login_required
def region_list(request):
    regions = access.visible_regions(request.user).order_by("name")
    rounds = rounds_for_list(access.visible_rounds(request.user))
    by_region: dict[int, list] = {}
    for r in rounds:
        by_region.setdefault(r.region_id, []).append(r)
    rows = [(region, by_region.get(region.pk, [])) for region in regions]
    return render(request, "programmes/region_list.html", {"rows": rows})


@login_required
def region_detail(request, slug):
    region = access.get_region_for_user(request.user, slug)
    rounds = rounds_for_list(access.visible_rounds(request.user).filter(region=region))
    return render(request, "programmes/region_detail.html", {"region": region, "rounds": rounds})


@login_required
def round_list(request):
    rounds = rounds_for_list(access.visible_rounds(request.user))
    return render(request, "programmes/round_list.html", {"rounds": rounds})


@login_required
def round_detail(request, pk):
    round_ = access.get_round_for_user(request.user, pk)
    participants = participants_with_composition(
        access.visible_participants(request.user).filter(round=round_)
    ).order_by("municipality__short_name", "county__name")
    context = {
        "round": round_,
        "participants": participants,
        "can_manage": access.can_manage_round(request.user, round_),
        "can_see_progress": access.can_see_round_results(request.user, round_),
        "coordinators": round_.regional_coordinators.order_by("full_name"),
        "partners": round_.competence_partners.order_by("full_name"),
        "approaches": round_.local_approaches.all(),
    }
    return render(request, "programmes/round_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "local_approaches"}
        try:
            services.round_update(round_=round_, data=data, local_approaches=list(form.cleaned_data["local_approaches"]))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The round was saved."))
            return redirect(round_)
    return render(
        request, "form_page.html",
        {"form": form, "heading": _("Edit %(title)s") % {"title": round_.title}, "cancel_url": round_.get_absolute_url()},
    )
