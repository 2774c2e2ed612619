import json

from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core.forms import (
    DateInput,
    DutchDecimalField,
    DutchPercentField,
    PartialDateField,
    StyledForm,
    dutch_number_classes,
)
from maatwerk.core.locking import VersionedModelForm
from maatwerk.engine import workflow

from .models import EXPECTABLE_PHASES, BudgetStage, Milestone, MilestoneKind, OutlookAssumptions

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


class _PartialDates:
    """Fields typed as a day, a month or a year; ``clean`` splits each into the model's date and its
    ``<name>_precision`` (set on the instance, saved with it)."""

    partial_dates: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk is not None and not self.is_bound:
            for name in self.partial_dates:
                if getattr(instance, name) is not None:
                    self.initial[name] = (getattr(instance, name), getattr(instance, f"{name}_precision"))

    def clean(self):
        data = super().clean()
        for name in self.partial_dates:
            if name not in data:
                continue
            value = data[name]
            data[name], precision = value if isinstance(value, tuple) else (value, "day")
            if getattr(self, "instance", None) is not None:
                setattr(self.instance, f"{name}_precision", precision)
            data[f"{name}_precision"] = precision
        return data


class MilestoneForm(_PartialDates, StyledForm, VersionedModelForm):
    partial_dates = ("planned", "forecast")
    also_save = ("planned_precision", "forecast_precision")
    planned = PartialDateField(label=_("Gepland"))
    forecast = PartialDateField(label=_("Prognose"), required=False)

    class Meta:
        model = Milestone
        fields = ["planned", "forecast", "actual", "note", "source"]
        widgets = {
            "actual": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
            "source": forms.Textarea(attrs={"rows": 2}),
        }


class MilestoneCreateForm(_PartialDates, StyledForm, forms.Form):
    """A new milestone of a project; recorded by :func:`maatwerk.programme.services.record_milestone`."""

    partial_dates = ("planned", "forecast")
    kind = forms.ChoiceField(label=_("Mijlpaal"), choices=MilestoneKind.choices)
    planned = PartialDateField(label=_("Gepland"))
    forecast = PartialDateField(label=_("Prognose"), required=False)
    actual = forms.DateField(label=_("Gerealiseerd"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Bron"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentChoiceField(forms.ModelChoiceField):
    """A document of the trajectory as a source: its title with its date and reference."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Een document van dit traject; of beschrijf de bron hieronder."))
        super().__init__(queryset=None, required=False, label=_("Brondocument"), empty_label=_("(geen: bron hieronder beschreven)"), **kwargs)

    def label_from_instance(self, obj):
        from maatwerk.engine.periods import describe

        parts = [obj.title]
        if obj.document_date:
            parts.append(describe(obj.document_date, obj.date_precision))
        if obj.reference:
            parts.append(obj.reference)
        return " — ".join(parts)


def _documents(trajectory):
    return trajectory.documents.order_by("-document_date", "pk")


class ExpectationForm(_PartialDates, StyledForm, forms.Form):
    """When a source expects the trajectory's next phase; see :func:`services.record_expectation`."""

    partial_dates = ("expected",)
    phase = forms.ChoiceField(label=_("Verwachte fase"), choices=EXPECTABLE_PHASES)
    expected = PartialDateField(label=_("Verwacht"), help_text=_("Een maand (2025-09 of september 2025), een jaar (2026) of een dag (2025-09-15)."))
    stated_on = forms.DateField(label=_("Gemeld op"), widget=DateInput(), help_text=_("De dag waarop de bron dit zei, bijv. de datum van de Kamerbrief."))
    document = DocumentChoiceField()
    source = forms.CharField(label=_("Bron"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Bijv. Kamerbrief 30 juni 2025, Kamerstuk 29 826 nr. 260."))
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, trajectory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = _documents(trajectory)

    def clean(self):
        data = super().clean()
        if "expected" in data:
            data["precision"] = data.pop("expected_precision")
        return data


class BudgetEntryForm(_PartialDates, StyledForm, forms.Form):
    """An amount of one budget stage for a project; see :func:`services.record_budget_entry`."""

    partial_dates = ("valid_from",)
    stage = forms.ChoiceField(label=_("Fase van het geld"), choices=BudgetStage.choices)
    amount_eur = DutchDecimalField(label=_("Bedrag (EUR)"), help_text=_("Bijv. 105.000.000. Een bedrag van 0 trekt een eerdere boeking van deze fase en dit jaar in."))
    year = forms.IntegerField(label=_("Begrotingsjaar"), required=False, min_value=2000, max_value=2100, help_text=_("Leeg: niet per jaar verdeeld."))
    valid_from = PartialDateField(
        label=_("Geldig vanaf"),
        help_text=_("De dag van het besluit of de brief (2025-12-18); een maand (2023-11) of een jaar telt vanaf de laatste dag ervan."),
    )
    document = DocumentChoiceField()
    source = forms.CharField(label=_("Bron"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Bijv. JLoI 29 september 2025 (Kamerstuk 29 826 nr. 266)."))
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = _documents(project.trajectory)
