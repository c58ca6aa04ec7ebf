"""Min side: what matters to the person, across every app (so it lives at the top of the house)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from absolutt import access
from interwork.selectors import participants_work, review_queue
from municipalities.selectors import participants_with_composition
from programmes.selectors import rounds_for_list
from sessions_app.selectors import feed_gatherings

HOME_LIST_LENGTH = 15


@login_required
def home(request):
    """"Min side": what matters to this person, one section per role they hold."""
    user = request.user
    roles = access.roles_of(user)
    show_all = request.GET.get("vis") == "alle"  # "vis alle": the capped lists in full
    context = {"roles": roles, "show_all": show_all}
    if access.is_programme_wide(user):
        context["all_rounds"] = rounds_for_list(access.visible_rounds(user))
    if roles.regional_coordinator:
        managed = access.managed_rounds(user)
        context["managed_rounds"] = rounds_for_list(managed)
        attention = participants_with_composition(
            access.visible_participants(user).filter(round__in=managed)
        ).select_related("round")
        context["needs_attention"] = [
            p for p in attention if p.coordinator_id is None or not p.composition().meets_rule
        ]
        queue = review_queue(managed.values("pk"))
        context["review_queue"] = list(queue if show_all else queue[:HOME_LIST_LENGTH])
        context["review_queue_total"] = queue.count() if len(context["review_queue"]) == HOME_LIST_LENGTH else len(
            context["review_queue"])
    if roles.competence_partner:
        context["partner_rounds"] = rounds_for_list(access.partner_rounds(user))
    if roles.municipal_coordinator or roles.core_group_member:
        own = participants_with_composition(
            access.own_participants(user)
        ).select_related("round__region")
        context["own_participants"] = list(own)
        work = []
        cells_of = participants_work(context["own_participants"])
        for p in context["own_participants"]:
            cells = cells_of[p.pk]
            work.append({
                "participant": p,
                "returned": [c for c in cells if c.status == "returned"],
                "overdue": [c for c in cells if c.is_overdue and c.status != "returned"],
                "next": [c for c in cells if c.is_open_work and c.status != "returned" and not c.is_overdue
                         and c.assignment.is_open][:3],
            })
        context["own_work"] = work
    upcoming, _video = feed_gatherings(user)
    now = timezone.now()
    coming = [g for g in upcoming if g.ends_at >= now]
    context["upcoming_gatherings"] = coming if show_all else coming[:5]
    context["upcoming_total"] = len(coming)
    return render(request, "home.html", context)

