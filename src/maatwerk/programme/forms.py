import json

from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core.forms import DateInput, DutchPercentField, StyledForm, dutch_number_classes
from maatwerk.core.locking import VersionedModelForm
from maatwerk.engine import workflow

from .models import Milestone, OutlookAssumptions


#: the phases whose chance of reaching the next phase can be set by hand
OVERRIDABLE = workflow.MAIN_LINE[:6]


def _chance_field(code: str) -> str:
    return f"kans_{code}"


class AssumptionsForm(StyledForm, VersionedModelForm):
    """The outlook's assumptions. The hand-set chances are one percentage per phase (empty: derived
    from the programme's history); a client may still post them as JSON in ``conversion_overrides``."""

    not_rendered = ("conversion_overrides",)
    conversion_overrides = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = OutlookAssumptions
        fields = ["conversion_overrides", "delay_mean_years", "reduction_sd", "additional_share_when_unknown"]
        field_classes = dutch_number_classes(OutlookAssumptions, ["delay_mean_years", "reduction_sd", "additional_share_when_unknown"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = (self.instance.conversion_overrides if self.instance else None) or {}
        labels, line = workflow.PHASE_LABELS, workflow.MAIN_LINE
        for code in OVERRIDABLE:
            name = _chance_field(code)
            self.fields[name] = DutchPercentField(
                label=_("Kans van ‘%(a)s’ naar ‘%(b)s’ (%%)") % {"a": labels[code], "b": labels[line[line.index(code) + 1]]},
                required=False, min_percent=0, max_percent=100,
                help_text=_("Leeg: afgeleid uit de historie van het programma."),
            )
            self.fields[name].widget.attrs["class"] = "utrecht-textbox utrecht-textbox--html-input"
            if code in current and not isinstance(current[code], bool):
                self.initial[name] = current[code]
        self.initial["conversion_overrides"] = ""
        self.rows_posted = self.is_bound and any(_chance_field(c) in self.data for c in OVERRIDABLE)

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

    def clean(self):
        data = super().clean()
        if self.rows_posted:
            data["conversion_overrides"] = {
                code: data[_chance_field(code)] for code in OVERRIDABLE if data.get(_chance_field(code)) is not None
            }
        return data


class MilestoneForm(StyledForm, VersionedModelForm):
    class Meta:
        model = Milestone
        fields = ["planned", "forecast", "actual", "note", "source"]
        widgets = {
            "planned": DateInput(),
            "forecast": DateInput(),
            "actual": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }
