"""Reads about the outbox."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Model, QuerySet

from .models import OutgoingEmail


def emails_about(obj: Model, *, party: Model | None = None) -> QuerySet[OutgoingEmail]:
    """The e-mails about ``obj`` (and, given ``party``, about that participant's part of it), newest first."""
    rows = OutgoingEmail.objects.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)
    if party is not None:
        rows = rows.filter(party_type=ContentType.objects.get_for_model(party), party_id=party.pk)
    return rows.order_by("-created_at")


def email_counts_about(model: type[Model], ids: Iterable[int], party_ids: Iterable[int], *,
                       kinds: Iterable[str]) -> dict[tuple[int, int | None], tuple[int, datetime]]:
    """(object id, party id) -> (how many e-mails of these kinds, the last one's time), for objects of
    ``model`` with these ids and these parties: one grouped query on the ``outbox_about`` index."""
    rows = (OutgoingEmail.objects.filter(about_type=ContentType.objects.get_for_model(model), about_id__in=list(ids),
                                         party_id__in=list(party_ids), kind__in=list(kinds))
            .order_by().values("about_id", "party_id").annotate(n=Count("pk"), last=Max("created_at")))
    return {(r["about_id"], r["party_id"]): (r["n"], r["last"]) for r in rows}


def email_about_id(*, dedupe_key: str, model: type[Model]) -> int | None:
    """The id of the ``model`` object the e-mail recorded under ``dedupe_key`` is about, or None."""
    return OutgoingEmail.objects.filter(
        dedupe_key=dedupe_key, about_type=ContentType.objects.get_for_model(model)).values_list(
        "about_id", flat=True).first()


OUTBOX_VIEWS = {
    "failed": [OutgoingEmail.Status.FAILED],
    "waiting": [OutgoingEmail.Status.PENDING, OutgoingEmail.Status.SENDING],
}


def outbox_rows(show: str):
    """The outbox page's rows: failed, or waiting (pending and being sent), newest first (an index)."""
    return OutgoingEmail.objects.filter(status__in=OUTBOX_VIEWS[show]).order_by("-created_at").only(
        "pk", "to", "subject", "kind", "status", "attempts", "last_error", "created_at", "next_attempt_at")


def outbox_counts() -> dict[str, int]:
    from django.db.models import Q

    return OutgoingEmail.objects.aggregate(
        failed=Count("pk", filter=Q(status=OutgoingEmail.Status.FAILED)),
        waiting=Count("pk", filter=Q(status__in=OUTBOX_VIEWS["waiting"])),
    )
