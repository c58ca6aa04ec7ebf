from django import forms
from django.utils.translation import gettext_lazy as _

from programmes.models import LocalApproach

from .models import CoreGroupMember, County, Municipality


class CoreGroupMemberForm(forms.ModelForm):
    class Meta:
        model = CoreGroupMember
        fields = ["name", "email", "title", "role_category", "is_active"]


class ParticipantUpdateForm(forms.Form):
    local_approach = forms.ModelChoiceField(
        label=_("Local approach"), queryset=LocalApproach.objects.none(), required=False
    )
    focus_area = forms.CharField(label=_("Local focus area"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_approach"].queryset = round_.local_approaches.all()


class ParticipantCreateForm(ParticipantUpdateForm):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"), queryset=Municipality.objects.filter(valid_to__isnull=True), required=False,
    )
    county = forms.ModelChoiceField(
        label=_("or county municipality"), queryset=County.objects.filter(valid_to__isnull=True), required=False
    )
    field_order = ["municipality", "county", "local_approach", "focus_area"]

    def clean(self):
        data = super().clean()
        if bool(data.get("municipality")) == bool(data.get("county")):
            raise forms.ValidationError(_("Choose either a municipality or a county municipality."))
        return data
