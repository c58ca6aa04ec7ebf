from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from absolutt import access

from . import two_factor

# Pages that never need a signed-in person (assets, health check, language switch).
EXEMPT_PREFIXES = ("/static/", "/i18n/", "/helse/", "/media/")
# allauth's own pages, where the person sets up the authenticator they lack.
SETUP_PREFIXES = ("/accounts/",)


class RequireMFAMiddleware:
    """Two-factor authentication, on every path (see ``absolutt.accounts.two_factor``):

    1. A person who has an authenticator app counts as signed in only in a session that passed it. Any other
       session (made before the authenticator was set up, or by a path that did not ask) is ended, and the
       person signs in again — with the code.
    2. The national lead, regional coordinators and superusers must set up an authenticator app (TOTP)
       before they use the platform. ``ABSOLUTT_REQUIRE_MFA_FOR_STAFF`` can relax this rule (only) for the
       demo; rule 1 always holds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        if two_factor.has_authenticator(user):
            if not two_factor.session_passed_second_factor(request, user):
                logout(request)
                messages.warning(request, _("Sign in again with your authenticator app to continue."))
                login_url = reverse("account_login")
                if request.method == "GET":
                    login_url = f"{login_url}?{urlencode({'next': request.get_full_path()})}"
                return redirect(login_url)
        elif (
            settings.ABSOLUTT_REQUIRE_MFA_FOR_STAFF
            and not request.path.startswith(SETUP_PREFIXES)
            and access.requires_second_factor(user)
        ):
            messages.warning(request, _("Your role requires two-factor authentication. Set up an authenticator app to continue."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
