from .models import ParticipantQuerySet


def participants_with_composition(qs: ParticipantQuerySet) -> ParticipantQuerySet:
    """A list of participants for a page: related rows and the core group's composition, in one query."""
    return qs.select_related("municipality", "county", "coordinator", "local_approach").with_composition()
