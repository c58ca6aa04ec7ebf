"""Reads about the outbox."""

from .models import OutgoingEmail


def email_topic(*, dedupe_key: str) -> str | None:
    """The topic of the e-mail recorded under ``dedupe_key``, or None when there is none."""
    return OutgoingEmail.objects.filter(dedupe_key=dedupe_key).values_list("topic", flat=True).first()
