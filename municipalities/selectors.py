from django.db.models import QuerySet

from .models import Participant


def participants_with_composition(qs: QuerySet[Participant]) -> QuerySet[Participant]:
    """A list of participants for a page: related rows and the core group's composition, in one query."""
    return qs.select_related("municipality", "county", "coordinator", "local_approach").with_composition()
