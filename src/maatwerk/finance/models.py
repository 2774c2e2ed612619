"""Projects under trajectories: commitments (public), business cases (confidential) and price decks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.locking import VersionedModel

from . import bounds
from .bounds import Bounded


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

    def __str__(self) -> str:
        return f"{self.deck}: {self.scenario} {self.year}"


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


class Project(VersionedModel, models.Model):
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
    baseline_emissions_t = models.FloatField(_("emissies in de referentieperiode (t CO2e/jr)"), null=True, blank=True, validators=[Bounded(*bounds.TONNES)])
    target_year = models.PositiveSmallIntegerField(_("doeljaar"), default=2030)
    co2_reduction_t = models.FloatField(_("CO2-reductie in het doeljaar (t/jr)"), null=True, blank=True, validators=[Bounded(*bounds.TONNES)])
    dispensation_rights_t = models.FloatField(
        _("dispensatierechten in het doeljaar (t)"), null=True, blank=True, help_text=_("Leeg: afgeleid uit gratis toewijzing × reductiefactor."),
        validators=[Bounded(*bounds.TONNES)],
    )
    additional_reduction_public_t = models.FloatField(_("additionele reductie volgens de afspraak (t/jr)"), null=True, blank=True, validators=[Bounded(*bounds.TONNES)])
    acceleration_years = models.FloatField(_("versnelling (jaren)"), null=True, blank=True, validators=[Bounded(*bounds.YEARS_SPAN)])
    nox_reduction_t = models.FloatField(_("NOx-reductie (t/jr)"), null=True, blank=True, validators=[Bounded(*bounds.TONNES)])
    nh3_reduction_t = models.FloatField(_("NH3-reductie (t/jr)"), null=True, blank=True, validators=[Bounded(*bounds.TONNES)])
    zzs = models.TextField(_("zeer zorgwekkende stoffen"), blank=True)
    water_m3 = models.FloatField(_("minder zoetwater (m3/jr)"), null=True, blank=True, validators=[Bounded(*bounds.VOLUME_M3)])
    gas_m3 = models.FloatField(_("minder aardgas (m3/jr)"), null=True, blank=True, validators=[Bounded(*bounds.VOLUME_M3)])
    other_living_environment = models.TextField(_("overige leefomgeving"), blank=True)
    investment_eur = models.FloatField(_("investering (EUR)"), null=True, blank=True, validators=[Bounded(*bounds.EUROS)])
    support_max_eur = models.FloatField(_("maximale steun (EUR)"), null=True, blank=True, validators=[Bounded(*bounds.EUROS)])
    # rule flags (q 29; 000)
    legally_required = models.BooleanField(_("wettelijk verplichte maatregel"), default=False, help_text=_("Dan niet subsidiabel (q 29)."))
    generic_instruments_checked = models.BooleanField(_("generieke instrumenten eerst bekeken (SDE++, elektrificatieregeling)"), default=False)
    financial_securities = models.BooleanField(_("financiële zekerheden voor de Staat"), default=False)
    state_aid_framework = models.CharField(_("staatssteunkader"), max_length=10, choices=StateAidFramework.choices, blank=True)
    public_source = models.TextField(_("bron publieke cijfers"), blank=True)
    decision_deck = models.ForeignKey(
        PriceDeck, verbose_name=_("prijzenset van het besluit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # publication of the figures (q 12: public per the usual rules, once the product of the phase is)
    figures_published = models.BooleanField(
        _("cijfers gepubliceerd"),
        default=False,
        help_text=_("Pas dan staan de cijfers van dit project op de publieke site, in de open data en in de voortgangsbrief. "
                    "Alleen het programmateam zet dit aan."),
    )
    figures_published_on = models.DateField(_("cijfers gepubliceerd op"), null=True, blank=True)
    case_key = models.CharField(
        _("sleutel in het casusbestand"), max_length=40, blank=True,
        help_text=_("Maakt opnieuw inlezen van hetzelfde casusbestand idempotent."),
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projecten")
        ordering = ["trajectory__company__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "case_key"], condition=~models.Q(case_key=""), name="project_case_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory.company.name}: {self.name}"

    def clean(self):
        bad = [t for t in self.techniques if t not in Technique.values]
        if bad:
            raise ValidationError({"techniques": _("Onbekende techniek(en): %(t)s") % {"t": ", ".join(bad)}})
        if self.target_year is not None and not 2020 <= self.target_year <= 2060:
            raise ValidationError({"target_year": _("Het doeljaar ligt tussen 2020 en 2060.")})
        if self.figures_published_on is not None:
            problem = bounds.planning_date_problem(self.figures_published_on, "De publicatiedatum van de cijfers")
            if problem:
                raise ValidationError({"figures_published_on": problem})

    @property
    def eligible(self) -> bool:
        return not self.legally_required


class BusinessCase(VersionedModel, models.Model):
    """The project's business case: confidential business information (q 4, q 41, q 73)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="business_case")
    start_year = models.PositiveSmallIntegerField(_("eerste jaar (t = 0)"))
    lifetime_years = models.PositiveSmallIntegerField(_("levensduur (jaren na bouw)"))
    hurdle_rate = models.FloatField(_("rendementseis (fractie)"), help_text=_("Bijv. 0,08 voor 8%."), validators=[Bounded(*bounds.HURDLE_RATE)])
    capex_schedule = models.JSONField(_("investeringen per jaar (EUR)"), default=list, help_text=_("Lijst van bedragen vanaf het eerste jaar."))
    opex_delta_eur_per_year = models.FloatField(_("extra vaste lasten (EUR/jr)"), default=0, validators=[Bounded(*bounds.EUROS_DELTA)])
    gas_delta_mwh_per_year = models.FloatField(_("verandering aardgasverbruik (MWh/jr)"), default=0, validators=[Bounded(*bounds.ENERGY_MWH_DELTA)])
    electricity_delta_mwh_per_year = models.FloatField(_("verandering elektriciteitsverbruik (MWh/jr)"), default=0, validators=[Bounded(*bounds.ENERGY_MWH_DELTA)])
    hydrogen_delta_kg_per_year = models.FloatField(_("verandering waterstofverbruik (kg/jr)"), default=0, validators=[Bounded(*bounds.HYDROGEN_KG_DELTA)])
    co2_stored_t_per_year = models.FloatField(_("CO2 naar transport en opslag (t/jr)"), default=0, validators=[Bounded(*bounds.TONNES)])
    ets_covered_reduction_t_per_year = models.FloatField(
        _("reductie onder het EU ETS (t/jr)"), default=0, help_text=_("Vermeden emissierechten."), validators=[Bounded(*bounds.TONNES)]
    )
    other_income_eur_per_year = models.FloatField(_("overige inkomsten (EUR/jr)"), default=0, help_text=_("Bijv. verkochte vrije rechten."), validators=[Bounded(*bounds.EUROS_DELTA)])
    illustrative = models.BooleanField(_("illustratief"), default=True, help_text=_("Geen echte businesscase maar consistent met de publieke totalen."))
    notes = models.TextField(_("toelichting"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0, help_text=_("Optimistische vergrendeling: verhoogd bij elke wijziging."))

    class Meta:
        verbose_name = _("businesscase")
        verbose_name_plural = _("businesscases")

    def __str__(self) -> str:
        return f"Businesscase van {self.project}"

    def clean(self):
        errors = {}
        if self.hurdle_rate is not None and not 0 <= self.hurdle_rate < 1:
            errors["hurdle_rate"] = _("De rendementseis is een fractie tussen 0 en 1.")
        problem = capex_problem(self.capex_schedule)
        if problem:
            errors["capex_schedule"] = problem
        if self.lifetime_years is not None and not bounds.LIFETIME_YEARS[0] <= self.lifetime_years <= bounds.LIFETIME_YEARS[1]:
            errors["lifetime_years"] = _("De levensduur ligt tussen 1 en 60 jaar.")
        if self.start_year is not None and not 2000 <= self.start_year <= 2100:
            errors["start_year"] = _("Het eerste jaar ligt tussen 2000 en 2100.")
        if errors:
            raise ValidationError(errors)


def capex_problem(schedule) -> str | None:
    """Why ``schedule`` is not a plausible list of investments per year (Dutch), or None."""
    lo, hi = bounds.CAPEX_YEARS
    if not isinstance(schedule, list) or not schedule:
        return "Geef de investeringen als een niet-lege lijst van niet-negatieve bedragen, bijv. [40000000, 60000000]."
    if len(schedule) > hi:
        return f"Ten hoogste {hi} jaar aan investeringen (nu {len(schedule)})."
    for year, amount in enumerate(schedule, start=1):
        problem = bounds.number_problem(amount, *bounds.EUROS)
        if problem:
            return f"Investering in jaar {year}: {problem}; geef een niet-lege lijst van niet-negatieve bedragen in EUR, ten hoogste 100 miljard per jaar."
    return None


class DispensationRightsEntry(models.Model):
    """Dispensation rights of one installation in one year as entered from a source (an NEa figure).

    Overrides the default proxy (free allocation × reduction factor); for N2O and incinerator installations it
    is their own base. ``regime`` empty: the figure holds whatever regime is asked (the source does not say)."""

    installation = models.ForeignKey("registry.Installation", verbose_name=_("installatie"), on_delete=models.CASCADE, related_name="dispensation_rights")
    year = models.PositiveSmallIntegerField(_("jaar"))
    regime = models.CharField(_("heffingsregime"), max_length=10, blank=True, help_text=_("Leeg: geldt voor elk regime."))
    rights_t = models.FloatField(_("dispensatierechten (t)"), validators=[Bounded(*bounds.TONNES)])
    source = models.TextField(_("bron"), help_text=_("Bijv. NEa-beschikking of -publicatie, met datum."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now=True)

    class Meta:
        verbose_name = _("dispensatierechten (ingevoerd)")
        verbose_name_plural = _("dispensatierechten (ingevoerd)")
        ordering = ["installation", "year", "regime"]
        constraints = [models.UniqueConstraint(fields=["installation", "year", "regime"], name="dpr_entry_unique_year_regime")]

    def __str__(self) -> str:
        return f"{self.installation.eutl_id} {self.year}: {self.rights_t:,.0f} t"

    def clean(self):
        from maatwerk.engine import levy

        errors = {}
        if self.regime and self.regime not in levy.REGIMES:
            errors["regime"] = _("Onbekend heffingsregime %(r)s; kies uit %(c)s.") % {"r": self.regime, "c": ", ".join(levy.REGIMES)}
        if self.year is not None and not 2021 <= self.year <= 2050:
            errors["year"] = _("Het jaar ligt tussen 2021 (begin van de heffing) en 2050.")
        if not (self.source or "").strip():
            errors["source"] = _("Geef de bron van het cijfer (bijv. de NEa-beschikking met datum).")
        if errors:
            raise ValidationError(errors)
