"""Projects under trajectories: commitments (public), business cases (confidential) and price decks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class PriceDeck(models.Model):
    """A named, versioned set of yearly prices with scenarios (e.g. the yearly AFRY update, or a public one)."""

    name = models.CharField(_("naam"), max_length=100)
    version = models.PositiveIntegerField(_("versie"))
    description = models.TextField(_("omschrijving"), blank=True)
    illustrative = models.BooleanField(_("illustratief"), default=False, help_text=_("Niet de prijzen van de programmabesluiten."))
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    imported_by = models.CharField(max_length=150, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("prijzenset")
        verbose_name_plural = _("prijzensets")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="deck_unique_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}" + (" (illustratief)" if self.illustrative else "")


PRICE_FIELDS = ("gas_eur_per_mwh", "electricity_eur_per_mwh", "ets_eur_per_t", "hydrogen_eur_per_kg", "co2_ts_eur_per_t")


class PricePoint(models.Model):
    deck = models.ForeignKey(PriceDeck, on_delete=models.CASCADE, related_name="points")
    scenario = models.CharField(_("scenario"), max_length=40)
    year = models.PositiveSmallIntegerField(_("jaar"))
    gas_eur_per_mwh = models.FloatField(_("aardgas (EUR/MWh)"), null=True, blank=True)
    electricity_eur_per_mwh = models.FloatField(_("elektriciteit (EUR/MWh)"), null=True, blank=True)
    ets_eur_per_t = models.FloatField(_("EU ETS (EUR/t)"), null=True, blank=True)
    hydrogen_eur_per_kg = models.FloatField(_("waterstof (EUR/kg)"), null=True, blank=True)
    co2_ts_eur_per_t = models.FloatField(_("CO2-transport en -opslag (EUR/t)"), null=True, blank=True)
    source = models.TextField(_("bron"), blank=True)

    class Meta:
        verbose_name = _("prijs")
        verbose_name_plural = _("prijzen")
        ordering = ["deck", "scenario", "year"]
        constraints = [models.UniqueConstraint(fields=["deck", "scenario", "year"], name="price_unique_year")]


class Technique(models.TextChoices):
    ELECTRIFICATION = "electrification", _("Elektrificatie")
    CCS = "ccs", _("CO2-afvang en -opslag (CCS)")
    HYDROGEN = "hydrogen", _("Waterstof")
    MVR = "mvr", _("Mechanische damprecompressie (MVR)")
    PROCESS = "process", _("Procesaanpassing")
    N2O_ABATEMENT = "n2o_abatement", _("Lachgasreductie")
    CIRCULARITY = "circularity", _("Circulariteit")
    OTHER = "other", _("Overig")


class StateAidFramework(models.TextChoices):
    CEEAG = "CEEAG", "CEEAG"
    GBER = "GBER", "AGVV (GBER)"
    TCTF = "TCTF", "TCTF"
    UNKNOWN = "", _("Nog niet bepaald")


class Project(models.Model):
    """A decarbonisation project under a trajectory, with its commitments (public figures)."""

    trajectory = models.ForeignKey("trajectories.Trajectory", on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    techniques = models.JSONField(_("technieken"), default=list, blank=True)
    levy_regime = models.CharField(
        _("heffingsregime van het besluit"), max_length=10, default="2023", help_text=_("Het CO2-heffingspad waartegen additionaliteit is bepaald.")
    )
    # commitments
    baseline_period = models.CharField(_("referentieperiode"), max_length=40, blank=True, help_text=_("Bijv. 2020 of 2018-2021."))
    baseline_emissions_t = models.FloatField(_("emissies in de referentieperiode (t CO2e/jr)"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("doeljaar"), default=2030)
    co2_reduction_t = models.FloatField(_("CO2-reductie in het doeljaar (t/jr)"), null=True, blank=True)
    dispensation_rights_t = models.FloatField(
        _("dispensatierechten in het doeljaar (t)"), null=True, blank=True, help_text=_("Leeg: afgeleid uit gratis toewijzing × reductiefactor.")
    )
    additional_reduction_public_t = models.FloatField(_("additionele reductie volgens de afspraak (t/jr)"), null=True, blank=True)
    acceleration_years = models.FloatField(_("versnelling (jaren)"), null=True, blank=True)
    nox_reduction_t = models.FloatField(_("NOx-reductie (t/jr)"), null=True, blank=True)
    nh3_reduction_t = models.FloatField(_("NH3-reductie (t/jr)"), null=True, blank=True)
    zzs = models.TextField(_("zeer zorgwekkende stoffen"), blank=True)
    water_m3 = models.FloatField(_("minder zoetwater (m3/jr)"), null=True, blank=True)
    gas_m3 = models.FloatField(_("minder aardgas (m3/jr)"), null=True, blank=True)
    other_living_environment = models.TextField(_("overige leefomgeving"), blank=True)
    investment_eur = models.FloatField(_("investering (EUR)"), null=True, blank=True)
    support_max_eur = models.FloatField(_("maximale steun (EUR)"), null=True, blank=True)
    # rule flags (q 29; 000)
    legally_required = models.BooleanField(_("wettelijk verplichte maatregel"), default=False, help_text=_("Dan niet subsidiabel (q 29)."))
    generic_instruments_checked = models.BooleanField(_("generieke instrumenten eerst bekeken (SDE++, elektrificatieregeling)"), default=False)
    financial_securities = models.BooleanField(_("financiële zekerheden voor de Staat"), default=False)
    state_aid_framework = models.CharField(_("staatssteunkader"), max_length=10, choices=StateAidFramework.choices, blank=True)
    public_source = models.TextField(_("bron publieke cijfers"), blank=True)
    decision_deck = models.ForeignKey(
        PriceDeck, verbose_name=_("prijzenset van het besluit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projecten")
        ordering = ["trajectory__company__name", "name"]

    def __str__(self) -> str:
        return f"{self.trajectory.company.name}: {self.name}"

    def clean(self):
        bad = [t for t in self.techniques if t not in Technique.values]
        if bad:
            raise ValidationError({"techniques": _("Onbekende techniek(en): %(t)s") % {"t": ", ".join(bad)}})

    @property
    def eligible(self) -> bool:
        return not self.legally_required


class BusinessCase(models.Model):
    """The project's business case: confidential business information (q 4, q 41, q 73)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="business_case")
    start_year = models.PositiveSmallIntegerField(_("eerste jaar (t = 0)"))
    lifetime_years = models.PositiveSmallIntegerField(_("levensduur (jaren na bouw)"))
    hurdle_rate = models.FloatField(_("rendementseis (fractie)"), help_text=_("Bijv. 0,08 voor 8%."))
    capex_schedule = models.JSONField(_("investeringen per jaar (EUR)"), default=list, help_text=_("Lijst van bedragen vanaf het eerste jaar."))
    opex_delta_eur_per_year = models.FloatField(_("extra vaste lasten (EUR/jr)"), default=0)
    gas_delta_mwh_per_year = models.FloatField(_("verandering aardgasverbruik (MWh/jr)"), default=0)
    electricity_delta_mwh_per_year = models.FloatField(_("verandering elektriciteitsverbruik (MWh/jr)"), default=0)
    hydrogen_delta_kg_per_year = models.FloatField(_("verandering waterstofverbruik (kg/jr)"), default=0)
    co2_stored_t_per_year = models.FloatField(_("CO2 naar transport en opslag (t/jr)"), default=0)
    ets_covered_reduction_t_per_year = models.FloatField(
        _("reductie onder het EU ETS (t/jr)"), default=0, help_text=_("Vermeden emissierechten.")
    )
    other_income_eur_per_year = models.FloatField(_("overige inkomsten (EUR/jr)"), default=0, help_text=_("Bijv. verkochte vrije rechten."))
    illustrative = models.BooleanField(_("illustratief"), default=True, help_text=_("Geen echte businesscase maar consistent met de publieke totalen."))
    notes = models.TextField(_("toelichting"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0, help_text=_("Optimistische vergrendeling: verhoogd bij elke wijziging."))

    class Meta:
        verbose_name = _("businesscase")
        verbose_name_plural = _("businesscases")

    def clean(self):
        errors = {}
        if not 0 <= self.hurdle_rate < 1:
            errors["hurdle_rate"] = _("De rendementseis is een fractie tussen 0 en 1.")
        if not isinstance(self.capex_schedule, list) or not self.capex_schedule or not all(isinstance(x, (int, float)) and x >= 0 for x in self.capex_schedule):
            errors["capex_schedule"] = _("Geef de investeringen als een niet-lege lijst van niet-negatieve bedragen.")
        if not 1 <= self.lifetime_years <= 60:
            errors["lifetime_years"] = _("De levensduur ligt tussen 1 en 60 jaar.")
        if errors:
            raise ValidationError(errors)
