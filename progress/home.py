"""Min side: what matters to the person, across every app (so it lives at the top of the house)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from absolutt import access
from absolutt.core import fragments
from interwork.selectors import participants_work, review_queue
from municipalities.selectors import participants_with_composition
from sessions_app.selectors import feed_gatherings

HOME_LIST_LENGTH = 15


@login_required
def home(request):
    """"Min side": what matters to this person, one section per role they hold. All of it is about the person,
    so it is a fragment of their own (the scope is their id), read from the cache until the data changes."""
    user = request.user
    show_all = request.GET.get("vis") == "alle"  # "vis alle": the capped lists in full
    content = fragments.render("_home.html", lambda: _min_side(user, show_all), scope=["min side", user.pk, show_all])
    return render(request, "home.html", {"content": content})


def _min_side(user, show_all: bool) -> dict:
    roles = access.roles_of(user)
    context = {"user": user, "roles": roles, "show_all": show_all, "can_see_national": access.can_see_national(user)}
    if access.is_programme_wide(user):
        context["all_rounds"] = access.visible_rounds(user)  # the tables: {% round_table %}
    if roles.regional_coordinator:
        managed = access.managed_rounds(user)
        context["managed_rounds"] = managed
        in_managed = access.visible_participants(user).filter(round__in=managed)
        # No municipal coordinator, or a core group that breaks the programme rule (the rule's own QuerySet method).
        context["needs_attention"] = list(participants_with_composition(
            in_managed.filter(Q(coordinator__isnull=True) | Q(pk__in=in_managed.lacking_required_roles().values("pk")))
        ).select_related("round"))
        queue = review_queue(managed.values("pk"))
        context["review_queue"] = list(queue if show_all else queue[:HOME_LIST_LENGTH])
        context["review_queue_total"] = queue.count() if len(context["review_queue"]) == HOME_LIST_LENGTH else len(
            context["review_queue"])
    if roles.competence_partner:
        context["partner_rounds"] = access.partner_rounds(user)
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
    upcoming, _video = feed_gatherings(user, with_agenda=False)
    now = timezone.now()
    coming = [g for g in upcoming if g.ends_at >= now]
    context["upcoming_gatherings"] = coming if show_all else coming[:5]
    context["upcoming_total"] = len(coming)
    return context
