"""Reads about the outbox."""

from .models import OutgoingEmail


def email_topic(*, dedupe_key: str) -> str | None:
    """The topic of the e-mail recorded under ``dedupe_key``, or None when there is none."""
    return OutgoingEmail.objects.filter(dedupe_key=dedupe_key).values_list("topic", flat=True).first()


OUTBOX_VIEWS = {
    "failed": [OutgoingEmail.Status.FAILED],
    "waiting": [OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING],
}


def outbox_rows(show: str):
    """The outbox page's rows: failed, or waiting (pending and being sent), newest first (an index)."""
    return OutgoingEmail.objects.filter(status__in=OUTBOX_VIEWS[show]).order_by("-created_at").only(
        "pk", "to", "subject", "kind", "status", "attempts", "last_error", "created_at", "next_attempt_at")


def outbox_counts() -> dict[str, int]:
    from django.db.models import Count, Q

    return OutgoingEmail.objects.aggregate(
        failed=Count("pk", filter=Q(status=OutgoingEmail.Status.FAILED)),
        waiting=Count("pk", filter=Q(status__in=OUTBOX_VIEWS["waiting"])),
    )
