from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/helse/")


class RequireMFAMiddleware:
    """National lead, regional coordinators and superusers must have an authenticator app (TOTP) set up
    before they use the platform. ``ABSOLUTT_REQUIRE_MFA_FOR_STAFF`` can relax this for the demo."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.ABSOLUTT_REQUIRE_MFA_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and self._needs_mfa(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(request, _("Your role requires two-factor authentication. Set up an authenticator app to continue."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _needs_mfa(user) -> bool:
        if user.is_superuser or user.is_national_lead:
            return True
        return user.coordinated_rounds.exists()
