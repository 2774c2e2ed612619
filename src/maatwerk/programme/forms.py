import json

from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core.locking import VersionedModelForm
from maatwerk.engine import workflow

from .models import Milestone, OutlookAssumptions


class AssumptionsForm(VersionedModelForm):
    conversion_overrides = forms.CharField(
        label=_("Overgangskansen (handmatig)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('JSON, bijv. {"eop_signed": 0.6}; leeg = afgeleid uit de historie. Fasen: %(p)s') % {"p": ", ".join(workflow.MAIN_LINE[:6])},
    )

    class Meta:
        model = OutlookAssumptions
        fields = ["conversion_overrides", "delay_mean_years", "reduction_sd", "additional_share_when_unknown"]

    def clean_conversion_overrides(self):
        text = (self.cleaned_data.get("conversion_overrides") or "").strip()
        if not text:
            return {}
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Geen geldige JSON: %(e)s") % {"e": exc.msg}) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Geef een object, bijv. {\"eop_signed\": 0.6}."))
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.conversion_overrides:
            self.initial["conversion_overrides"] = json.dumps(self.instance.conversion_overrides)


class MilestoneForm(VersionedModelForm):
    class Meta:
        model = Milestone
        fields = ["planned", "forecast", "actual", "note", "source"]
        widgets = {
            "planned": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "forecast": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "actual": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }
