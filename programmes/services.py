"""Writes about rounds."""

from django.db import transaction

from .models import LocalApproach, Round


@transaction.atomic
def round_update(*, round_: Round, data: dict, local_approaches: list[LocalApproach]) -> Round:
    """Save the editable fields of a round. ``data`` has been validated by RoundForm (model clean included)."""
    for field, value in data.items():
        setattr(round_, field, value)
    round_.full_clean()
    round_.save()
    round_.local_approaches.set(local_approaches)
    return round_
