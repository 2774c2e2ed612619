"""Edit forms for projects and business cases, both with optimistic locking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from maatwerk.core.forms import (
    DutchDecimalField,
    DutchPercentField,
    StyledForm,
    add_optional_management,
    dutch_number_classes,
)
from maatwerk.core.locking import VersionedModelForm
from maatwerk.engine import levy

from . import bounds
from .bounds import Bounded
from .models import BusinessCase, Project, Technique


class ProjectForm(StyledForm, VersionedModelForm):
    techniques = forms.MultipleChoiceField(
        label=_("Technieken"), choices=Technique.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    levy_regime = forms.ChoiceField(
        label=_("Heffingsregime van het besluit"),
        choices=[(r["code"], f'{r["name"]} (vanaf {r["first_year"]})') for r in levy.regimes()],
        help_text=_("Het CO2-heffingspad waartegen additionaliteit is bepaald."),
    )

    class Meta:
        model = Project
        # the project's own inputs; its figures (reductions, support, target year, source, publication)
        # are records of the register of figures (maatwerk.figures), entered and published there
        fields = [
            "name", "description", "techniques", "levy_regime", "baseline_emissions_t", "acceleration_years", "zzs",
            "other_living_environment", "legally_required", "generic_instruments_checked", "financial_securities", "state_aid_framework",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "zzs": forms.Textarea(attrs={"rows": 2}),
                   "other_living_environment": forms.Textarea(attrs={"rows": 2})}
        field_classes = dutch_number_classes(Project, fields)

    def clean(self):
        data = super().clean()
        for name in ("baseline_emissions_t", "acceleration_years"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("Mag niet negatief zijn."))
        return data


class NewProjectForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200, help_text=_("Bijv. Elektrische boiler van 45 MW."))
    description = forms.CharField(label=_("Omschrijving"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    techniques = forms.MultipleChoiceField(label=_("Technieken"), choices=Technique.choices, required=False, widget=forms.CheckboxSelectMultiple,
                                           help_text=_("Niet verplicht; ook later aan te vullen."))


class CapexRowForm(StyledForm, forms.Form):
    amount = DutchDecimalField(label=_("Investering (EUR)"), required=False, validators=[Bounded(*bounds.EUROS)])

    def has_changed(self):
        """A row counts when something is typed in it, whatever the initial rows were (an empty extra
        row is skipped; a typed one never is, even if it equals the stored amount of that index)."""
        return bool((self.data.get(self.add_prefix("amount")) or "").strip()) or super().has_changed()


CapexFormSet = forms.formset_factory(CapexRowForm, extra=2, can_delete=True, max_num=60, absolute_max=60)


class BusinessCaseForm(StyledForm, VersionedModelForm):
    """The business case; the investments per year are rows (a formset, prefix ``capex``) to add and
    remove. A client that posts no rows may still send ``capex_schedule`` as a JSON list (scripts)."""

    also_save = ("updated_by",)
    not_rendered = ("capex_schedule",)  # the rows below stand for it
    capex_schedule = forms.JSONField(
        label=_("Investeringen per jaar (EUR)"), required=False, widget=forms.HiddenInput,
        error_messages={"invalid": _("Geef de investeringen als een niet-lege lijst van niet-negatieve bedragen (JSON).")},
    )
    hurdle_rate = DutchPercentField(
        label=_("Rendementseis (%)"), min_percent=0, max_percent=100, max_inclusive=False,
        help_text=_("Als percentage, bijv. 8 of 8,5%."),
    )

    class Meta:
        model = BusinessCase
        fields = [
            "start_year", "lifetime_years", "hurdle_rate", "capex_schedule", "opex_delta_eur_per_year", "gas_delta_mwh_per_year",
            "electricity_delta_mwh_per_year", "hydrogen_delta_kg_per_year", "co2_stored_t_per_year",
            "ets_covered_reduction_t_per_year", "other_income_eur_per_year", "illustrative", "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {k: v for k, v in dutch_number_classes(BusinessCase, fields).items() if k != "hurdle_rate"}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.rows_posted = data is not None and "capex-TOTAL_FORMS" in data
        initial = [{"amount": a} for a in (self.instance.capex_schedule or []) if not isinstance(a, bool)]
        self.capex = CapexFormSet(add_optional_management(data, "capex") if self.rows_posted else None, prefix="capex", initial=initial, auto_id=self.auto_id)
        self.capex.label = _("Investeringen per jaar")
        self.capex.row_heading = _("Jaar")
        self.capex.help_text = _(
            "Eén regel per jaar vanaf het eerste jaar, in euro's (bijv. 40.000.000). Vul de lege regels om jaren toe te voegen "
            "en vink ‘verwijderen’ aan om een jaar te schrappen; ten hoogste 30 jaar."
        )
        start = self.instance.start_year
        for number, row in enumerate(self.capex):
            row.row_label = str(start + number) if start else _("jaar %(n)d") % {"n": number + 1}
        self.capex.outer_field = self["capex_schedule"]
        self.formsets = [self.capex]

    @property
    def formset_errors(self) -> bool:
        return self.rows_posted and not self.capex.is_valid()

    def is_valid(self):
        rows_valid = not self.rows_posted or self.capex.is_valid()
        return super().is_valid() and rows_valid

    def _schedule_from_rows(self):
        """The amounts of the rows kept, in order; empty rows at the end are left out, an empty row
        between two amounts is an error (a year without investment is 0)."""
        if not self.capex.is_valid():
            return None
        rows = [r for r in self.capex if r.cleaned_data and not r.cleaned_data.get("DELETE")]
        amounts = [r.cleaned_data.get("amount") for r in rows]
        while amounts and amounts[-1] is None:
            amounts.pop()
            rows.pop()
        for row, amount in zip(rows, amounts):
            if amount is None:
                row.add_error("amount", _("Vul een bedrag in (0 als er dat jaar niets wordt geïnvesteerd) of verwijder het jaar."))
        return amounts if all(a is not None for a in amounts) else None

    def clean(self):
        data = super().clean()
        if self.rows_posted:
            schedule = self._schedule_from_rows()
            if schedule is None:
                self.add_error("capex_schedule", _("Verbeter de investeringen per jaar."))
            elif not schedule:
                self.add_error("capex_schedule", _("Vul de investering van ten minste één jaar in."))
            else:
                data["capex_schedule"] = schedule
        elif data.get("capex_schedule") in (None, ""):
            self.add_error("capex_schedule", _("Geef de investeringen als een niet-lege lijst van niet-negatieve bedragen."))
        return data

    def clean_start_year(self):
        year = self.cleaned_data["start_year"]
        if not 2015 <= year <= 2050:
            raise forms.ValidationError(_("Het eerste jaar ligt tussen 2015 en 2050."))
        return year
