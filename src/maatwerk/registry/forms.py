from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Sector
from .selectors import available_countries, available_years

GROUPING_CHOICES = [
    ("company", _("Bedrijf")),
    ("account-holder", _("Rekeninghouder")),
    ("installation", _("Installatie")),
]


class RankingForm(forms.Form):
    country = forms.ChoiceField(label=_("Land"))
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int)
    by = forms.ChoiceField(label=_("Groepering"), choices=GROUPING_CHOICES, initial="company")
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("Alle sectoren")), *Sector.choices])
    top = forms.IntegerField(label=_("Aantal"), min_value=1, max_value=1000, initial=20)

    def __init__(self, data=None, **kwargs):
        countries = available_countries() or ["NL"]
        country = (data or {}).get("country") or ("NL" if "NL" in countries else countries[0])
        years = available_years(country) or [2022]
        defaults = {"country": country, "year": str(years[-1]), "by": "company", "top": "20", "sector": ""}
        merged = {**defaults, **{k: v for k, v in (data or {}).items() if v != "" or k == "sector"}}
        super().__init__(merged, **kwargs)
        self.fields["country"].choices = [(c, c) for c in countries]
        self.fields["year"].choices = [(y, y) for y in reversed(years)]
