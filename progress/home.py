"""Min side: what matters to the person, across every app (so it lives at the top of the house)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from absolutt import access
from interwork.selectors import participant_work, review_queue
from municipalities.selectors import participants_with_composition
from programmes.selectors import rounds_for_list
from sessions_app.selectors import feed_gatherings


@login_required
def home(request):
    """"Min side": what matters to this person, one section per role they hold."""
    user = request.user
    roles = access.roles_of(user)
    context = {"roles": roles}
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
        context["review_queue"] = list(review_queue(managed.values("pk"))[:15])
    if roles.competence_partner:
        context["partner_rounds"] = rounds_for_list(access.partner_rounds(user))
    if roles.municipal_coordinator or roles.core_group_member:
        own = participants_with_composition(
            access.own_participants(user)
        ).select_related("round__region")
        context["own_participants"] = list(own)
        work = []
        for p in context["own_participants"]:
            cells = participant_work(p)
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
    context["upcoming_gatherings"] = [g for g in upcoming if g.ends_at >= now][:5]
    return render(request, "home.html", context)

