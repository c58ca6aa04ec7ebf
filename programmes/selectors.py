from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from absolutt.accounts.models import User
from municipalities.models import Participant

from .models import Round


def rounds_for_list(qs: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds with their region, coordinators, participant count and the number of participants whose core
    group breaks the programme rule: a fixed number of queries however many rounds there are."""
    lacking = (
        Participant.objects.filter(round=OuterRef("pk")).lacking_required_roles()
        .order_by()
        .values("round")
        .annotate(c=Count("pk"))
        .values("c")
    )
    return (
        qs.select_related("region")
        .prefetch_related(Prefetch("regional_coordinators", queryset=User.objects.order_by("full_name")))
        .annotate(
            n_participants=Count("participants", distinct=True),
            n_lacking=Coalesce(Subquery(lacking, output_field=IntegerField()), Value(0)),
        )
        .order_by("-starts_on", "title")
    )
