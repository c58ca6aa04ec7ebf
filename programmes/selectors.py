from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from absolutt.accounts.models import User
from municipalities.models import Participant

from .models import Round


def rounds_for_list(qs: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds with their region, coordinators, participant count and the number of participants whose core
    group breaks the programme rule: a fixed number of queries however many rounds there are. Both counts are
    subqueries per round (a join on the participants would run the rule once per participant row)."""

    def count(participants):
        return Coalesce(Subquery(participants.order_by().values("round").annotate(c=Count("pk")).values("c"),
                                 output_field=IntegerField()), Value(0))

    of_round = Participant.objects.filter(round=OuterRef("pk"))
    return (
        qs.select_related("region")
        .prefetch_related(Prefetch("regional_coordinators", queryset=User.objects.order_by("full_name")))
        .annotate(n_participants=count(of_round), n_lacking=count(of_round.lacking_required_roles()))
        .order_by("-starts_on", "title")
    )
