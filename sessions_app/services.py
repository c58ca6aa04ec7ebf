"""Writes about samlinger: scheduling, moving, agenda, registration (seats, waiting list), attendance,
materials, summaries and calendar feeds."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.reminders import OSLO, Occasion, occasions_queue
from absolutt.notifications.services import email_enqueue_template
from absolutt.uploads import store, upload_check
from municipalities.models import CoreGroupMember, Participant, RoleCategory
from municipalities.services import core_group_member_create

from . import selectors
from .models import AgendaItem, CalendarFeed, Gathering, Material, Registration
from .signals import gathering_moved

GATHERING_FIELDS = [
    "kind", "number", "title", "theme_question", "description", "starts_at", "ends_at", "format", "venue",
    "video_link", "organisers", "registration_opens_at", "registration_deadline", "seats_per_participant",
    "capacity", "require_mix",
]
LOCK_TIMEOUT_MS = 5000


# --- Scheduling ---------------------------------------------------------------------------------

@transaction.atomic
def gathering_create(*, round_, data: dict) -> Gathering:
    gathering = Gathering(round=round_, **{k: v for k, v in data.items() if k in GATHERING_FIELDS})
    gathering.full_clean()
    gathering.save()
    return gathering


@transaction.atomic
def gathering_update(*, gathering: Gathering, data: dict, notify: bool = True) -> Gathering:
    """Save changes. A new start or end time is a move: the calendar sequence goes up, registrations are
    kept, and the registered and the invited are told (through the outbox, after commit)."""
    gathering = _lock_gathering(gathering.pk)
    old_start, old_end, old_capacity = gathering.starts_at, gathering.ends_at, gathering.capacity
    for field, value in data.items():
        if field in GATHERING_FIELDS:
            setattr(gathering, field, value)
    gathering.full_clean()
    moved = (gathering.starts_at, gathering.ends_at) != (old_start, old_end)
    if moved:
        gathering.sequence += 1
    gathering.save()
    if moved and gathering.starts_at != old_start:
        _agenda_follows(gathering, old_start)
    if gathering.capacity is None or (old_capacity is not None and gathering.capacity > old_capacity):
        while _promote_from_waiting_list(gathering) is not None:  # more seats: the waiting list moves up
            pass
    if moved:
        gathering_moved.send(sender=Gathering, gathering=gathering)  # e.g. mellomarbeid due times follow it
    if moved and notify:
        _notify_moved(gathering, old_start)
    return gathering


def _agenda_follows(gathering: Gathering, old_start) -> None:
    """The agenda moves with the samling: each item keeps its wall-clock distance (Oslo) from the start, so
    "09:30, half an hour after the start" stays that across a daylight-saving change too."""
    old_local = timezone.localtime(old_start, OSLO).replace(tzinfo=None)
    new_local = timezone.localtime(gathering.starts_at, OSLO).replace(tzinfo=None)
    items = list(gathering.agenda.all())
    for item in items:
        offset = timezone.localtime(item.starts_at, OSLO).replace(tzinfo=None) - old_local
        item.starts_at = timezone.make_aware(new_local + offset, OSLO)
    AgendaItem.objects.bulk_update(items, ["starts_at"])


def _notify_moved(gathering: Gathering, old_start) -> None:
    """Tell the registered (and those waiting) that their samling has a new time and their registration is
    kept; tell the invited who have not registered in other words, with the registration link. Through
    the reminder engine: one e-mail per person and move, languages in one query."""
    registered = {r.email.lower(): r.name for r in gathering.registrations.exclude(status=Registration.Status.CANCELLED)}
    invited = {p.email.lower(): p.name for p in selectors.invited_people(gathering) if p.email.lower() not in registered}
    base = {"gathering": gathering, "old_start": old_start, "path": gathering.get_absolute_url()}
    key = f"gathering-moved:{gathering.pk}:{gathering.sequence}"
    now = timezone.now()
    occasions_queue(
        [Occasion(to=email, kind=OutgoingEmail.Kind.GATHERING_MOVED, key=key, about=gathering, due_at=now,
                  context={**base, "name": name}) for email, name in sorted(registered.items())]
        + [Occasion(to=email, kind=OutgoingEmail.Kind.GATHERING_MOVED, key=key, about=gathering, due_at=now,
                    template="emails/gathering_moved_invited", context={**base, "name": name})
           for email, name in sorted(invited.items())]
    )


def gathering_summary_update(*, gathering: Gathering, summary: str) -> Gathering:
    gathering.summary = summary.strip()
    gathering.save(update_fields=["summary", "updated_at"])
    return gathering


def agenda_item_save(*, gathering: Gathering, item: AgendaItem | None, starts_at, title: str, speaker: str) -> AgendaItem:
    if not (gathering.starts_at - timedelta(hours=12) <= starts_at <= gathering.ends_at):
        raise ValidationError({"starts_at": _("The agenda item must be within the samling's time.")})
    item = item or AgendaItem(gathering=gathering)
    item.starts_at, item.title, item.speaker = starts_at, title.strip(), speaker.strip()
    item.full_clean()
    item.save()
    return item


def agenda_item_delete(*, item: AgendaItem) -> None:
    item.delete()


# --- Registration -------------------------------------------------------------------------------

def _lock_gathering(pk: int) -> Gathering:
    """Take the gathering row's lock for the rest of the transaction. Every seat decision happens under
    it, so the last seat cannot be given twice. On PostgreSQL we wait at most LOCK_TIMEOUT_MS; SQLite
    serialises writers anyway (transactions begin IMMEDIATE)."""
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT_MS}")
        return Gathering.objects.select_for_update().get(pk=pk)
    except OperationalError:
        raise ValidationError(_("Many people are registering right now. Please try again.")) from None


def _member_for_registration(*, participant: Participant, name: str, email: str, title: str,
                             role_category: str) -> CoreGroupMember:
    """A registration belongs to its municipality: the person is a member of the participant's core group, or
    becomes one now (the caller may manage that core group). Somebody in another participant's core group in
    the round is theirs to register — nobody else can take the name."""
    members = CoreGroupMember.objects.filter(
        participant__round_id=participant.round_id, email__iexact=email, is_active=True).select_related("participant")
    own = next((m for m in members if m.participant_id == participant.pk), None)
    if own is not None:
        return own
    other = next(iter(members), None)
    if other is not None:
        raise ValidationError(
            _("%(email)s is in the core group of %(name)s. Only %(name)s can register them.")
            % {"email": email, "name": other.participant.name})
    inactive = participant.core_group.filter(email__iexact=email).first()
    if inactive is not None:
        raise ValidationError(_("That person is not an active member of the core group."))
    return core_group_member_create(participant=participant, name=name, email=email, title=title,
                                    role_category=role_category or RoleCategory.OTHER)


@transaction.atomic
def registration_create(
    *, gathering: Gathering, participant: Participant, by_user, name: str = "", email: str = "",
    title: str = "", role_category: str = "", core_group_member: CoreGroupMember | None = None,
    dietary_needs: str = "", accessibility_needs: str = "", override: bool = False,
) -> Registration:
    """Register one person for a participant. Refuses after the deadline and over the participant's seat
    limit (a regional coordinator may ``override``); when the gathering is full, the person goes on the
    waiting list. Returns the registration — check ``status``."""
    if participant.round_id != gathering.round_id:
        raise ValidationError(_("This municipality does not take part in the round of this samling."))
    if core_group_member is not None:
        if core_group_member.participant_id != participant.pk:
            raise ValidationError(_("That person belongs to another municipality."))
        if not core_group_member.is_active:
            raise ValidationError(_("That person is not an active member of the core group."))
        name = name or core_group_member.name
        email = email or core_group_member.email
        title = title or core_group_member.title
        role_category = core_group_member.role_category  # the core group knows the role best
    name, email = name.strip(), email.strip().lower()
    if not name or not email:
        raise ValidationError(_("Name and e-mail address are required."))
    if not gathering.is_physical:
        dietary_needs = accessibility_needs = ""

    gathering = _lock_gathering(gathering.pk)
    now = timezone.now()
    if not override:
        if gathering.registration_opens_at and now < gathering.registration_opens_at:
            raise ValidationError(_("Registration has not opened yet."))
        if now > gathering.effective_registration_deadline:
            raise ValidationError(_("The registration deadline has passed."))
    if gathering.registrations.filter(email__iexact=email).exclude(status=Registration.Status.CANCELLED).exists():
        raise ValidationError(_("%(email)s is already registered for this samling.") % {"email": email})
    if core_group_member is None:
        core_group_member = _member_for_registration(
            participant=participant, name=name, email=email, title=title, role_category=role_category)
        role_category = core_group_member.role_category
    active = gathering.registrations.exclude(status=Registration.Status.CANCELLED)
    if gathering.seats_per_participant and not override:
        used = active.filter(participant=participant).count()
        if used >= gathering.seats_per_participant:
            raise ValidationError(
                _("%(name)s has used all its %(n)s seats. Cancel someone to register another.")
                % {"name": participant.name, "n": gathering.seats_per_participant}
            )
    status = Registration.Status.REGISTERED
    if gathering.capacity and not override:
        if active.filter(status=Registration.Status.REGISTERED).count() >= gathering.capacity:
            status = Registration.Status.WAITING
    user = core_group_member.user if core_group_member is not None and core_group_member.user_id else None
    if user is None and by_user.email.lower() == email:
        user = by_user
    return Registration.objects.create(
        gathering=gathering, participant=participant, core_group_member=core_group_member, user=user,
        name=name, email=email, title=title.strip(), role_category=role_category or "other",
        dietary_needs=dietary_needs.strip(), accessibility_needs=accessibility_needs.strip(), status=status,
        registered_by=by_user, created_at=now,
    )


@transaction.atomic
def registration_cancel(*, registration: Registration, by_user, override: bool = False) -> Registration | None:
    """Cancel a registration. A freed seat goes to the first on the waiting list (who is told by e-mail).
    Returns the promoted registration, if any."""
    gathering = _lock_gathering(registration.gathering_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        return None
    if not override and timezone.now() > gathering.effective_registration_deadline:
        raise ValidationError(_("The registration deadline has passed. Contact the organisers to cancel."))
    freed_seat = registration.status == Registration.Status.REGISTERED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    return _promote_from_waiting_list(gathering) if freed_seat else None


def _promote_from_waiting_list(gathering: Gathering) -> Registration | None:
    active = gathering.registrations.filter(status=Registration.Status.REGISTERED)
    if gathering.capacity and active.count() >= gathering.capacity:
        return None
    first = gathering.registrations.filter(status=Registration.Status.WAITING).order_by("created_at", "pk").first()
    if first is None:
        return None
    first.status = Registration.Status.REGISTERED
    first.promoted_at = timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    email_enqueue_template(
        to=first.email, template="emails/gathering_promoted",
        context={"gathering": gathering, "registration": first, "path": gathering.get_absolute_url()},
        language=selectors.language_of(first.email),
        dedupe_key=f"gathering-promoted:{first.pk}", kind=OutgoingEmail.Kind.GATHERING_PROMOTED, about=gathering,
    )
    return first


def attendance_set(*, registration: Registration, attended: bool, by_user) -> Registration:
    if registration.status != Registration.Status.REGISTERED:
        raise ValidationError(_("Only registered people can be marked as present."))
    registration.attended = attended
    registration.checked_in_at = timezone.now() if attended else None
    registration.checked_in_by = by_user
    registration.save(update_fields=["attended", "checked_in_at", "checked_in_by"])
    return registration


# --- Materials ----------------------------------------------------------------------------------

def material_upload(*, gathering: Gathering, agenda_item: AgendaItem | None, title: str, upload, by_user) -> Material:
    """Store an uploaded file after checking its name, type and size."""
    original, content_type = upload_check(upload)
    if agenda_item is not None and agenda_item.gathering_id != gathering.pk:
        raise ValidationError({"agenda_item": _("That agenda item belongs to another samling.")})
    material = Material(
        gathering=gathering, agenda_item=agenda_item, title=(title.strip() or original)[:200],
        original_name=original, size=upload.size, content_type=content_type, uploaded_by=by_user,
    )
    with transaction.atomic():
        store(material, original, upload)
    return material


def material_delete(*, material: Material) -> None:
    material.file.delete(save=False)
    material.delete()


# --- Calendar feeds -----------------------------------------------------------------------------

def calendar_feed_get_or_create(*, user) -> CalendarFeed:
    """The person's calendar feed, made the first time they ask for it (a POST); a second ask keeps the address."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_renew(*, user) -> CalendarFeed:
    """Revoke the old secret URL by giving the feed a new token."""
    from .models import _feed_token

    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    feed.token = _feed_token()
    feed.save(update_fields=["token", "created_at"])
    return feed


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def gathering_path(gathering: Gathering) -> str:
    return reverse("sessions_app:gathering_detail", kwargs={"pk": gathering.pk})
