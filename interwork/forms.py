from django import forms
from django.utils.translation import gettext_lazy as _

from municipalities.models import CoreGroupMember
from sessions_app.forms import DateTimeLocalField, datetime_formfield
from sessions_app.models import Gathering

from .models import Assignment


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        formfield_callback = datetime_formfield
        fields = ["title", "phase", "instructions", "given_after", "due_before", "opens_at", "due_at",
                  "due_days_before_gathering", "cutoff_at", "expected_attachments", "requires_both_levels"]
        widgets = {
            "instructions": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        gatherings = Gathering.objects.filter(round=round_).order_by("starts_at")
        self.fields["given_after"].queryset = gatherings
        self.fields["due_before"].queryset = gatherings
        self.fields["due_at"].required = False
        self.fields["due_at"].help_text = _("Leave empty when the due time is set relative to a samling below.")
        self.instance.round = round_

    def clean(self):
        data = super().clean()
        if not data.get("due_at") and data.get("due_days_before_gathering") is None:
            self.add_error("due_at", _("Give a due time, or a number of days before a samling."))
        return data

    def _post_clean(self):
        # due_at may come from the samling; the service computes it and runs full_clean.
        if self.cleaned_data.get("due_days_before_gathering") is not None and self.cleaned_data.get("due_before"):
            from interwork.services import relative_due_at

            self.cleaned_data["due_at"] = relative_due_at(self.cleaned_data["due_before"],
                                                          self.cleaned_data["due_days_before_gathering"])
            self.instance.due_at = self.cleaned_data["due_at"]
        super()._post_clean()


class DraftForm(forms.Form):
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 14}), required=False)
    base_revision = forms.IntegerField(widget=forms.HiddenInput)
    contributors = forms.ModelMultipleChoiceField(
        label=_("Contributors from the core group"), queryset=CoreGroupMember.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, participant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributors"].queryset = participant.core_group.filter(is_active=True).order_by("name")
        self.fields["contributors"].label_from_instance = lambda m: f"{m.name} ({m.get_role_category_display()})"

    def clean_text(self) -> str:
        # Browsers send a textarea's line breaks as CRLF; stored as LF, the text compares equal to what was typed.
        return self.cleaned_data["text"].replace("\r\n", "\n")


class FileForm(forms.Form):
    file = forms.FileField(label=_("Attach a file"))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    text = forms.CharField(label=_("Comment to the municipality"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ExtensionForm(forms.Form):
    new_due_at = DateTimeLocalField(label=_("New due time"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NudgeForm(forms.Form):
    """A reminder sent by hand: one assignment or one samling, the chosen participants, and for an
    assignment an optional personal line."""

    assignment = forms.ModelChoiceField(label=_("Assignment"), queryset=Assignment.objects.none(), required=False)
    gathering = forms.ModelChoiceField(label=_("or samling"), queryset=Gathering.objects.none(), required=False)
    participants = forms.ModelMultipleChoiceField(label=_("Participants"), queryset=None,
                                                  widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(label=_("Personal message (optional)"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Added to a reminder about an assignment."))

    def __init__(self, *args, round_, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = Assignment.objects.filter(round=round_).order_by("due_at", "pk")
        self.fields["gathering"].queryset = Gathering.objects.filter(round=round_).order_by("starts_at", "pk")
        self.fields["participants"].queryset = participants

    def clean(self):
        data = super().clean()
        if bool(data.get("assignment")) == bool(data.get("gathering")):
            raise forms.ValidationError(_("Choose either an assignment or a samling."))
        return data
