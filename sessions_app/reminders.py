"""Samling reminders from the beat sweep (no far-future ETA tasks), through the outbox: each e-mail's
unique ``dedupe_key`` names the person and the occasion, so a sweep that runs twice, late or on two
workers at once sends each reminder once. Cancelled and waiting people are never reminded.

- Before the registration deadline (the round's ``registration_reminder_days``): to the municipal
  coordinator of every participant that has registered nobody.
- Before the samling (the round's ``gathering_reminder_hours``, default 48): to every registered person,
  with time, place or video link, and agenda. The start time is part of the key: a samling that moves
  gets a fresh reminder for its new time.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from absolutt.notifications.services import email_enqueue_template
from municipalities.models import Participant

from .models import Gathering, Registration
from .selectors import language_of


def _stamp(dt) -> str:
    return timezone.localtime(dt, timezone.get_fixed_timezone(0)).strftime("%Y%m%d%H%M")


def gathering_reminders_due(*, now) -> int:
    sent = 0
    coming = (Gathering.objects.filter(starts_at__gt=now, starts_at__lte=now + timedelta(days=30))
              .select_related("round").prefetch_related("agenda"))
    for g in coming:
        if now < g.starts_at - timedelta(hours=g.round.gathering_reminder_hours):
            continue
        for r in g.registrations.filter(status=Registration.Status.REGISTERED):
            row = email_enqueue_template(
                to=r.email, template="emails/gathering_reminder", language=language_of(r.email),
                context={"gathering": g, "registration": r, "agenda": list(g.agenda.all()),
                         "path": g.get_absolute_url()},
                dedupe_key=f"gathering-reminder:{g.pk}:{_stamp(g.starts_at)}:{r.email.lower()}",
                kind="gathering_reminder", topic=f"gathering:{g.pk}",
            )
            sent += row is not None
    return sent


def registration_deadline_reminders_due(*, now) -> int:
    sent = 0
    open_ = (Gathering.objects.filter(registration_deadline__gt=now, registration_deadline__lte=now + timedelta(days=60))
             .select_related("round"))
    for g in open_:
        if now < g.registration_deadline - timedelta(days=g.round.registration_reminder_days):
            continue
        participants = (Participant.objects.filter(round_id=g.round_id, coordinator__isnull=False)
                        .select_related("coordinator", "municipality", "county")
                        .annotate(n=Count("registrations", filter=Q(registrations__gathering=g)
                                          & ~Q(registrations__status=Registration.Status.CANCELLED))))
        for p in participants:
            if p.n:
                continue
            row = email_enqueue_template(
                to=p.coordinator.email, template="emails/registration_deadline_reminder", language=p.coordinator.language,
                context={"gathering": g, "participant": p, "path": g.get_absolute_url()},
                dedupe_key=f"registration-deadline:{g.pk}:{_stamp(g.registration_deadline)}:{p.pk}",
                kind="registration_deadline_reminder", topic=f"gathering:{g.pk}",
            )
            sent += row is not None
    return sent
