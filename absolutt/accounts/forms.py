import secrets

from allauth.account.forms import SignupForm
from allauth.core import context as allauth_context
from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .adapter import INVITATION_SESSION_KEY
from .models import Invitation


class InvitationSignupForm(SignupForm):
    """allauth's sign-up form, bound to the invitation in the session: the e-mail is the invited one."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = allauth_context.request
        token = request.session.get(INVITATION_SESSION_KEY) if request is not None else None
        self.invitation = selectors.usable_invitation(token=token) if token else None
        if self.invitation is not None:
            self.fields["email"].initial = self.invitation.email
            self.fields["email"].widget.attrs["readonly"] = True
            self.fields["full_name"].initial = self.invitation.full_name

    def clean_email(self):
        email = super().clean_email()
        if self.invitation is None or email.lower() != self.invitation.email.lower():
            raise forms.ValidationError(_("You can only sign up with the e-mail address you were invited with."))
        return email

    def save(self, request):
        user = super().save(request)
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])
        return user


class InvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Invitation.Role.choices)
    # This form's own key: the same form sent twice makes one invitation and one e-mail.
    request_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, allowed_roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("request_key", secrets.token_urlsafe(16))
        if allowed_roles is not None:
            self.fields["role"].choices = [c for c in Invitation.Role.choices if c[0] in allowed_roles]


class ProfileForm(forms.ModelForm):
    class Meta:
        from .models import User

        model = User
        fields = ["full_name", "language", "digest"]

    def __init__(self, *args, show_digest: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_digest:
            del self.fields["digest"]
