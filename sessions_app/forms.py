from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from absolutt.forms_util import LongSelect
from municipalities.models import CoreGroupMember, RoleCategory

from .models import AgendaItem, Gathering

FIRST_YEAR, LAST_YEAR = 2000, 2099


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, **kwargs):
        attrs = {"min": f"{FIRST_YEAR}-01-01T00:00", "max": f"{LAST_YEAR}-12-31T23:59", **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M", **kwargs)


def validate_plausible_year(value) -> None:
    """A browser lets anyone type year 1 or 275760; such a time is a typing mistake (and beyond what the
    time zone conversion can hold), so it is refused next to its field."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(_("Give a date between the years %(first)s and %(last)s."),
                              params={"first": FIRST_YEAR, "last": LAST_YEAR}, code="year_out_of_range")


class DateTimeLocalField(forms.DateTimeField):
    widget = DateTimeLocalInput
    default_validators = [validate_plausible_year]


AT_LEAST_ONE = {
    "seats_per_participant": _("Seats per participant must be at least 1."),
    "capacity": _("The capacity must be at least 1."),
}


def _gathering_formfield(db_field, **kwargs):
    # A video link typed without a scheme is taken as https (and Django 6's default, without the warning).
    if db_field.name == "video_link":
        kwargs["assume_scheme"] = "https"
    # 0 and negative numbers get the same clear message (not "must be at least 0").
    if db_field.name in AT_LEAST_ONE:
        kwargs.update(min_value=1, error_messages={"min_value": AT_LEAST_ONE[db_field.name]})
    return datetime_formfield(db_field, **kwargs)


def datetime_formfield(db_field, **kwargs):
    """Model date-times are typed in a ``datetime-local`` input, in plausible years."""
    if isinstance(db_field, models.DateTimeField):
        kwargs["form_class"] = DateTimeLocalField
    return db_field.formfield(**kwargs)


class GatheringForm(forms.ModelForm):
    class Meta:
        model = Gathering
        formfield_callback = _gathering_formfield
        fields = [
            "kind", "number", "title", "theme_question", "description", "starts_at", "ends_at", "format", "venue",
            "video_link", "organisers", "registration_opens_at", "registration_deadline", "seats_per_participant",
            "capacity", "require_mix",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        formfield_callback = datetime_formfield
        fields = ["starts_at", "title", "speaker"]


class RegistrationForm(forms.Form):
    """Register one person for a participant: a core group member, or a person not (yet) in it."""

    participant = forms.ChoiceField(label=_("Municipality"), widget=LongSelect)
    member = forms.ModelChoiceField(
        label=_("Core group member"), queryset=CoreGroupMember.objects.none(), required=False,
        empty_label=_("– someone not in the core group –"), widget=LongSelect,
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    role_category = forms.ChoiceField(label=_("Role category"), choices=[("", "---------"), *RoleCategory.choices],
                                      required=False, help_text=_("For someone not in the core group."))
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False,
                                    help_text=_("Only the organisers see this."))
    accessibility_needs = forms.CharField(label=_("Accessibility needs"), max_length=300, required=False,
                                          help_text=_("Only the organisers see this."))

    def __init__(self, *args, participants, physical: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = {str(p.pk): p for p in participants}
        self.fields["participant"].choices = [(str(p.pk), p.name) for p in participants]
        if len(participants) == 1:
            self.fields["participant"].widget = forms.HiddenInput()
            self.fields["participant"].initial = str(participants[0].pk)
        member = self.fields["member"]
        member.queryset = CoreGroupMember.objects.filter(
            participant__in=participants, is_active=True).exclude(email="").order_by("name")
        # The options from plain rows (a round has hundreds of members); the queryset still validates the choice.
        names = {p.pk: p.name for p in participants}
        member.choices = [("", member.empty_label)] + [
            (pk, (f"{name} – {title}" if title else name) if len(participants) == 1 else f"{name} ({names[p_id]})")
            for pk, name, title, p_id in member.queryset.values_list("pk", "name", "title", "participant_id")]
        if not physical:
            del self.fields["dietary_needs"], self.fields["accessibility_needs"]

    def clean(self):
        data = super().clean()
        participant = self.participants.get(data.get("participant") or "")
        if participant is None:
            raise forms.ValidationError(_("Choose a municipality."))
        data["participant"] = participant
        member = data.get("member")
        if member is not None and member.participant_id != participant.pk:
            self.add_error("member", _("That person belongs to another municipality."))
        if member is None:
            if not data.get("name"):
                self.add_error("name", _("Choose a core group member or write the person's name."))
            if not data.get("email"):
                self.add_error("email", _("An e-mail address is needed for someone not in the core group."))
        return data


class SelfRegistrationForm(forms.Form):
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False,
                                    help_text=_("Only the organisers see this."))
    accessibility_needs = forms.CharField(label=_("Accessibility needs"), max_length=300, required=False,
                                          help_text=_("Only the organisers see this."))


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=AgendaItem.objects.none(), required=False,
                                         empty_label=_("– the whole samling –"))
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, gathering, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = gathering.agenda.all()


class SummaryForm(forms.Form):
    summary = forms.CharField(label=_("Summary / minutes"), widget=forms.Textarea(attrs={"rows": 10}), required=False)
