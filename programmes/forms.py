from django import forms

from .models import LocalApproach, Round


class RoundForm(forms.ModelForm):
    class Meta:
        model = Round
        fields = [
            "title", "description", "starts_on", "ends_on", "status", "signup_deadline",
            "competence_partner_organisation", "local_approaches",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "signup_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "local_approaches": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_approaches"].queryset = LocalApproach.objects.filter(is_active=True)
