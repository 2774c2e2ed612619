"""Forms of the mapping screen: which programme company an installation or account holder belongs to."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify

from maatwerk.core.forms import StyledForm

from .models import Company, Sector


class MappingFilterForm(forms.Form):
    land = forms.CharField(label="Land", required=False, max_length=2, initial="NL", help_text="Landcode van twee letters, bijv. NL.")
    zoek = forms.CharField(label="Rekeninghouder, installatie of id", required=False, max_length=200)
    niet_gekoppeld = forms.BooleanField(label="Alleen niet gekoppeld", required=False)

    def clean_land(self):
        country = (self.cleaned_data["land"] or "").strip().upper()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise ValidationError("Een landcode heeft twee letters, bijv. NL.")
        return country


class AssignForm(StyledForm, forms.Form):
    """Assign an existing company (from the list) or a new one (name and sector) to an installation or
    an account holder. ``expected`` is the company id the user saw (empty: none): the write happens only
    if it is still the current one, so a second submit or someone else's change meanwhile is refused."""

    expected = forms.CharField(widget=forms.HiddenInput, required=False)
    company = forms.ModelChoiceField(
        label="Bestaand bedrijf", queryset=Company.objects.order_by("name"), required=False, empty_label="— kies een bedrijf —",
        help_text="Kies een bestaand bedrijf, of vul hieronder naam en sector van een nieuw bedrijf in.",
    )
    new_name = forms.CharField(label="Of: nieuw bedrijf, naam", required=False, max_length=200)
    new_sector = forms.ChoiceField(
        label="Sector van het nieuwe bedrijf", required=False, choices=[("", "— kies een sector —"), *Sector.choices]
    )

    def clean_expected(self):
        value = self.cleaned_data["expected"]
        if value in ("", None):
            return None
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            raise ValidationError("Het formulier is beschadigd (onbekend huidig bedrijf); laad de pagina opnieuw.")
        return int(value)

    def clean(self):
        data = super().clean()
        company, name, sector = data.get("company"), (data.get("new_name") or "").strip(), data.get("new_sector")
        data["new_name"] = name
        if company and name:
            self.add_error("new_name", "Kies een bestaand bedrijf óf vul een nieuwe naam in, niet allebei.")
        elif not company and not name and "company" not in self.errors:
            self.add_error("company", "Kies een bedrijf of vul de naam van een nieuw bedrijf in.")
        elif name:
            if not slugify(name):
                self.add_error("new_name", f"De bedrijfsnaam {name!r} bevat geen letters of cijfers om een adres (slug) van te maken.")
            elif Company.objects.filter(name=name).exists():
                self.add_error("new_name", f"Er is al een bedrijf {name!r}: kies het in de lijst.")
            if not sector:
                self.add_error("new_sector", "Kies de sector van het nieuwe bedrijf.")
        return data
