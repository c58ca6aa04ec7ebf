from datetime import timedelta

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from absolutt.notifications.models import OutgoingEmail
from absolutt.notifications.services import email_enqueue

from . import selectors, two_factor

INVITATION_SESSION_KEY = "absolutt_invitation_token"
RECOVERY_CODES_PATH = "/accounts/2fa/recovery-codes/"


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: an account can be created only by someone holding a valid invitation, and every
    e-mail allauth sends (login codes, password reset, verification) goes through the outbox."""

    def is_open_for_signup(self, request) -> bool:
        token = request.session.get(INVITATION_SESSION_KEY)
        return bool(token and selectors.usable_invitation(token=token))

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Setting up the first authenticator straight after logging in (as the national lead and regional
        coordinators are made to) does not ask for the password again; changing an existing one does."""
        request = allauth_context.request
        if (app == "allauth.mfa" and request is not None and request.path.startswith(RECOVERY_CODES_PATH)
                and request.method == "GET" and two_factor.recovery_codes_window_open(request)):
            return False  # the recovery codes just made (with the authenticator, or anew) are shown at once
        if app == "allauth.mfa":
            user = getattr(allauth_context.request, "user", None)
            if (user is not None and user.is_authenticated and user.last_login
                    and timezone.now() - user.last_login < timedelta(minutes=10)
                    and not Authenticator.objects.filter(user=user).exists()):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        msg = self.render_mail(template_prefix, email, ctx)
        html = ""
        if isinstance(msg, EmailMultiAlternatives):
            html = next((content for content, mime in msg.alternatives if mime == "text/html"), "")
        email_enqueue(to=email, subject=msg.subject, body_text=msg.body, body_html=html,
                      kind=OutgoingEmail.Kind.ACCOUNT)
