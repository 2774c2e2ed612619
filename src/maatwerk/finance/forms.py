"""Edit forms for projects and business cases, both with optimistic locking."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.core.locking import VersionedModelForm
from maatwerk.engine import levy

from .models import BusinessCase, Project, Technique


class ProjectForm(VersionedModelForm):
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
        fields = [
            "name", "description", "techniques", "levy_regime", "baseline_period", "baseline_emissions_t", "target_year",
            "co2_reduction_t", "dispensation_rights_t", "additional_reduction_public_t", "acceleration_years",
            "nox_reduction_t", "nh3_reduction_t", "zzs", "water_m3", "gas_m3", "other_living_environment",
            "investment_eur", "support_max_eur", "legally_required", "generic_instruments_checked", "financial_securities",
            "state_aid_framework", "public_source", "figures_published", "figures_published_on",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "zzs": forms.Textarea(attrs={"rows": 2}),
                   "figures_published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "other_living_environment": forms.Textarea(attrs={"rows": 2}), "public_source": forms.Textarea(attrs={"rows": 2})}

    def clean(self):
        data = super().clean()
        for name in ("baseline_emissions_t", "co2_reduction_t", "dispensation_rights_t", "additional_reduction_public_t",
                     "investment_eur", "support_max_eur", "acceleration_years", "water_m3", "gas_m3"):
            value = data.get(name)
            if value is not None and value < 0:
                self.add_error(name, _("Mag niet negatief zijn."))
        target = data.get("target_year")
        if target is not None and not 2020 <= target <= 2060:
            self.add_error("target_year", _("Het doeljaar ligt tussen 2020 en 2060."))
        reduction, baseline = data.get("co2_reduction_t"), data.get("baseline_emissions_t")
        if reduction is not None and baseline is not None and reduction > baseline:
            self.add_error("co2_reduction_t", _("De reductie is groter dan de emissies in de referentieperiode."))
        additional = data.get("additional_reduction_public_t")
        if additional is not None and reduction is not None and additional > reduction:
            self.add_error("additional_reduction_public_t", _("Het additionele deel is groter dan de hele reductie."))
        if "figures_published" in data:  # publishing dates itself; withdrawing the figures clears the date
            if data["figures_published"] and not data.get("figures_published_on"):
                data["figures_published_on"] = timezone.localdate()
            elif not data["figures_published"]:
                data["figures_published_on"] = None
        return data


class BusinessCaseForm(VersionedModelForm):
    also_save = ("updated_by",)
    capex_schedule = forms.JSONField(
        label=_("Investeringen per jaar (EUR)"),
        help_text=_("Een lijst van bedragen vanaf het eerste jaar, bijv. [40000000, 60000000]."),
        widget=forms.TextInput,
        error_messages={"required": _("Geef de investeringen als een niet-lege lijst van niet-negatieve bedragen.")},
    )

    class Meta:
        model = BusinessCase
        fields = [
            "start_year", "lifetime_years", "hurdle_rate", "capex_schedule", "opex_delta_eur_per_year", "gas_delta_mwh_per_year",
            "electricity_delta_mwh_per_year", "hydrogen_delta_kg_per_year", "co2_stored_t_per_year",
            "ets_covered_reduction_t_per_year", "other_income_eur_per_year", "illustrative", "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean_start_year(self):
        year = self.cleaned_data["start_year"]
        if not 2015 <= year <= 2050:
            raise forms.ValidationError(_("Het eerste jaar ligt tussen 2015 en 2050."))
        return year
