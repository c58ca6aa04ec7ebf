from allauth.account.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes import views as rc_views
from allauth.mfa.totp import views as totp_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from absolutt import access
from absolutt.forms_util import form_page

from . import selectors, services, two_factor
from .adapter import INVITATION_SESSION_KEY
from .forms import InvitationForm
from .models import Invitation, User


@login_required
@require_http_methods(["GET", "POST"])
def invitation_create(request, participant_pk):
    participant = access.get_participant_for_user(request.user, participant_pk)
    roles = [r for r in Invitation.Role.values if access.can_invite(request.user, participant, r)]
    if not roles:
        raise PermissionDenied
    member = None
    initial = {"role": roles[-1]}
    if member_pk := request.GET.get("member") or request.POST.get("member"):
        try:
            member = participant.core_group.get(pk=int(member_pk))
        except (ValueError, participant.core_group.model.DoesNotExist):
            member = None
        if member is not None:
            initial = {"full_name": member.name, "email": member.email, "role": Invitation.Role.CORE_GROUP_MEMBER}
    form = InvitationForm(request.POST or None, initial=initial, allowed_roles=roles)
    return form_page(
        request, form, save=lambda data: services.invitation_create(
            participant=participant, invited_by=request.user, core_group_member=member, **data),
        message=lambda invitation: _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
        done=participant, heading=_("Invite to %(name)s") % {"name": participant.name},
        cancel_url=participant.get_absolute_url(), submit_label=_("Send invitation"))


@login_required
@require_POST
def invitation_revoke(request, participant_pk, pk):
    participant = access.get_participant_for_user(request.user, participant_pk)
    try:
        invitation = participant.invitations.get(pk=pk)
    except Invitation.DoesNotExist:
        from django.http import Http404

        raise Http404 from None
    if not access.can_invite(request.user, participant, invitation.role):
        raise PermissionDenied
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect(participant)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The link in the invitation e-mail. A new person is sent to sign-up with the invitation in the session
    (and the address counts as verified: the link reached that mailbox); a person who already has an account
    logs in and accepts."""
    invitation = selectors.usable_invitation(token=token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=410)
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                return redirect("home")
            messages.success(request, _("Welcome to %(name)s!") % {"name": invitation.participant.name})
            return redirect(invitation.participant)
        return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
    if User.objects.filter(email__iexact=invitation.email).exists():
        messages.info(request, _("You already have an account. Log in to accept the invitation."))
        return redirect(f"{reverse('account_login')}?next={request.path}")
    request.session[INVITATION_SESSION_KEY] = invitation.token
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect("account_signup")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The person's own settings: name, language of e-mails and pages, and (for regional coordinators) the
    mellomarbeid digest."""
    from django.utils import translation

    from .forms import ProfileForm

    show_digest = access.roles_of(request.user).regional_coordinator
    form = ProfileForm(request.POST or None, instance=request.user, show_digest=show_digest)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        response = redirect("accounts:profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, user.language, max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        messages.success(request, _("Your settings were saved."))
        return response
    return render(request, "accounts/profile.html", {"form": form, "heading": _("My settings"), "cancel_url": "/"})


@login_required
def totp_activate(request):
    """allauth's page for setting up the authenticator app. Typing the app's first code here proves the second
    factor for this session, and the recovery codes made with it may be shown (once)."""
    had = set(Authenticator.objects.filter(user=request.user).values_list("type", flat=True))
    response = totp_views.activate_totp(request)
    if request.method == "POST" and response.status_code == 302:
        added = Authenticator.objects.filter(user=request.user).exclude(type__in=had)
        for authenticator in added:
            if authenticator.type == Authenticator.Type.TOTP:
                two_factor.record_second_factor(request, request.user, authenticator)
            elif authenticator.type == Authenticator.Type.RECOVERY_CODES:
                two_factor.open_recovery_codes_window(request)
    return response


@login_required
def recovery_codes_generate(request):
    """allauth's page for making new recovery codes; the new ones may be shown (once)."""
    response = rc_views.generate_recovery_codes(request)
    if request.method == "POST" and response.status_code == 302:
        two_factor.open_recovery_codes_window(request)
    return response


@login_required
def recovery_codes_view(request):
    """allauth's page with the recovery codes, shown once: right after they were made (with the authenticator
    app, or anew). Later visits are sent to make new codes."""
    if two_factor.recovery_codes_window_open(request) and not request.session.get(two_factor.RECOVERY_CODES_SHOWN_KEY):
        response = rc_views.view_recovery_codes(request)
        if response.status_code == 200:
            request.session[two_factor.RECOVERY_CODES_SHOWN_KEY] = True
        return response
    messages.info(request, _("Recovery codes are shown only once. Make new ones if you have lost them."))
    return redirect("mfa_generate_recovery_codes")


@login_required
def recovery_codes_download(request):
    """Download the codes just shown (within minutes of making them); never later."""
    if two_factor.recovery_codes_window_open(request):
        return rc_views.download_recovery_codes(request)
    messages.info(request, _("Recovery codes are shown only once. Make new ones if you have lost them."))
    return redirect("mfa_generate_recovery_codes")
