"""Writes about participants and their core groups."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programmes.models import LocalApproach, Round

from .models import CoreGroupMember, County, Municipality, Participant


@transaction.atomic
def participant_create(
    *, round_: Round, municipality: Municipality | None = None, county: County | None = None,
    local_approach: LocalApproach | None = None, focus_area: str = "",
) -> Participant:
    if (municipality is None) == (county is None):
        raise ValidationError(_("Choose either a municipality or a county municipality."))
    if municipality is not None and not municipality.is_current:
        raise ValidationError({"municipality": _("This municipality no longer exists. Choose its successor.")})
    unit_filter: dict[str, Municipality | County | None] = (
        {"municipality": municipality} if municipality else {"county": county})
    if Participant.objects.filter(round=round_, **unit_filter).exists():
        raise ValidationError(_("It already takes part in this round."))
    try:
        with transaction.atomic():
            return Participant.objects.create(
                round=round_, local_approach=local_approach, focus_area=focus_area.strip(), **unit_filter
            )
    except IntegrityError:
        raise ValidationError(_("It already takes part in this round.")) from None


def participant_update(*, participant: Participant, local_approach: LocalApproach | None, focus_area: str) -> Participant:
    participant.local_approach = local_approach
    participant.focus_area = focus_area.strip()
    participant.save(update_fields=["local_approach", "focus_area"])
    return participant


def _check_email_free(participant: Participant, email: str, exclude_pk: int | None = None) -> None:
    if not email:
        return
    clash = participant.core_group.filter(email__iexact=email)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"email": _("Someone in this core group already has that e-mail address.")})


@transaction.atomic
def core_group_member_create(
    *, participant: Participant, name: str, email: str, title: str, role_category: str, is_active: bool = True
) -> CoreGroupMember:
    email = email.strip().lower()
    _check_email_free(participant, email)
    member = CoreGroupMember(
        participant=participant, name=name.strip(), email=email, title=title.strip(),
        role_category=role_category, is_active=is_active,
    )
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def core_group_member_update(
    *, member: CoreGroupMember, name: str, email: str, title: str, role_category: str, is_active: bool
) -> CoreGroupMember:
    member = CoreGroupMember.objects.select_for_update().get(pk=member.pk)
    email = email.strip().lower()
    _check_email_free(member.participant, email, exclude_pk=member.pk)
    member.name, member.email, member.title = name.strip(), email, title.strip()
    member.role_category, member.is_active = role_category, is_active
    member.full_clean()
    member.save()
    return member
