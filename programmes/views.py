from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from absolutt import access
from absolutt.core import fragments
from absolutt.forms_util import form_page
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
    rounds = access.visible_rounds(request.user).filter(region=region)  # the table: {% round_table %}
    return render(request, "programmes/region_detail.html", {"region": region, "rounds": rounds})


@login_required
def round_list(request):
    rounds = access.visible_rounds(request.user)  # the table: {% round_table %}
    return render(request, "programmes/round_list.html", {"rounds": rounds})


@login_required
def round_detail(request, pk):
    round_ = access.get_round_for_user(request.user, pk)
    visible = access.visible_participants(request.user).filter(round=round_)
    can_manage = access.can_manage_round(request.user, round_)
    context = {
        "round": round_,
        "participants": fragments.lazy(
            lambda: participants_with_composition(visible).order_by("municipality__short_name", "county__name")),
        "can_manage": can_manage,
        "can_see_progress": access.can_see_round_results(request.user, round_, manages_round=can_manage),
        "coordinators": fragments.lazy(lambda: round_.regional_coordinators.order_by("full_name")),
        "partners": fragments.lazy(lambda: round_.competence_partners.order_by("full_name")),
        "approaches": fragments.lazy(lambda: round_.local_approaches.all()),
    }
    # The same for everyone who sees the same participants of the round and may do the same there (what is lazy
    # above is read only when the fragment is not in the cache).
    context["content"] = fragments.render("programmes/_round_detail.html", context, scope=[
        round_.pk, "every participant" if access.sees_every_participant(request.user, round_) else request.user.pk,
        context["can_manage"], context["can_see_progress"]])
    return render(request, "programmes/round_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    round_ = access.get_round_for_user(request.user, pk, manage=True)
    form = RoundForm(request.POST or None, instance=round_)

    def save(data: dict) -> None:
        services.round_update(round_=round_, data={k: v for k, v in data.items() if k != "local_approaches"},
                              local_approaches=list(data["local_approaches"]))

    return form_page(request, form, save=save, message=_("The round was saved."), done=round_,
                     heading=_("Edit %(title)s") % {"title": round_.title}, cancel_url=round_.get_absolute_url())
