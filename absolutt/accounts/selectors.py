from django.utils import timezone

from .models import Invitation


def usable_invitation(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("participant__round", "participant__municipality", "participant__county")
        .filter(token=token, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
