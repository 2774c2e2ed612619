"""The emissions registry: EU ETS operators, installations, yearly records and the programme's companies."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

AVIATION_ACTIVITY_CODE = 10


class LevyKind(models.TextChoices):
    """Under which regime an installation's emissions fall: the EU ETS (and the levy for ETS
    installations), or only the national CO2 levy (waste incinerators; N2O sources before they enter
    the ETS). Installations outside the ETS are not in the EUTL: their figures come from their own
    source (NEa, CBS, the company's annual report), recorded per year in ``EmissionRecord.source``."""

    ETS = "ets", _("EU ETS-installatie")
    INCINERATOR = "incinerator", _("afvalverbrandingsinstallatie (AVI)")
    N2O = "n2o", _("N2O-installatie buiten het ETS")


# The id of an installation outside the ETS: LL-NAT-number (NL-NAT-1). It can never be an EUTL id
# (those are LL-number), and it is as safe in a URL as one.
NATIONAL_ID_INFIX = "-NAT-"
REGISTER_ID_PATTERN = r"^[A-Z]{2}-(?:NAT-)?[0-9]{1,30}\Z"
NATIONAL_ID_PATTERN = r"^[A-Z]{2}-NAT-[0-9]{1,30}\Z"


class Sector(models.TextChoices):
    INDUSTRY = "industry", _("Industrie")
    POWER = "power", _("Elektriciteit")
    WASTE = "waste", _("Afvalverbranding")
    AVIATION = "aviation", _("Luchtvaart")
    OTHER = "other", _("Overig")


class ImportRun(models.Model):
    """Provenance of one imported file: what, from where, by whom, when and with what result."""

    kind = models.CharField(_("soort"), max_length=40)
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    user = models.CharField(_("gebruiker"), max_length=150, blank=True)
    started_at = models.DateTimeField(_("gestart"))
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    counts = models.JSONField(_("aantallen"), default=dict, blank=True)

    class Meta:
        verbose_name = _("importrun")
        verbose_name_plural = _("importruns")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class Company(models.Model):
    """The programme's grouping of operators: one company may span several account holders and sites."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, default=Sector.INDUSTRY)
    subsector = models.CharField(_("subsector"), max_length=200, blank=True)
    sites = models.CharField(_("locaties"), max_length=300, blank=True)
    provinces = models.CharField(_("provincies"), max_length=300, blank=True)
    in_programme = models.BooleanField(_("in maatwerkprogramma"), default=False)
    extension_reason = models.TextField(
        _("reden uitbreiding"), blank=True, help_text=_("Waarom een bedrijf buiten de top-20 is toegelaten.")
    )
    hand_top20 = models.BooleanField(
        _("top-20 volgens handmatige lijst"),
        null=True,
        blank=True,
        help_text=_("Leeg als onbekend; de afgeleide top-20 komt uit het register."),
    )
    notes = models.TextField(_("toelichting"), blank=True)
    source = models.TextField(_("bron"), blank=True)

    class Meta:
        verbose_name = _("bedrijf")
        verbose_name_plural = _("bedrijven")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=~models.Q(slug=""), name="company_slug_not_empty")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)


SLUG_FALLBACK = "bedrijf"


def unique_slug(name: str, exclude_pk=None) -> str:
    """A company slug that is never empty and not taken yet: 'foo-bv', else 'foo-bv-2', 'foo-bv-3', ….

    A name without letters or digits that slugify keeps (say '!!!') gets SLUG_FALLBACK as its base:
    an empty slug cannot be part of a URL, and every page linking to the company would fail.
    """
    max_length = Company._meta.get_field("slug").max_length
    base = slugify(name)[:max_length].strip("-") or SLUG_FALLBACK
    taken = Company.objects.exclude(pk=exclude_pk) if exclude_pk else Company.objects.all()
    candidate, number = base, 1
    while taken.filter(slug=candidate).exists():
        number += 1
        suffix = f"-{number}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate


class Operator(models.Model):
    """An EU ETS account holder (*rekeninghouder*) as named in the registry."""

    name = models.CharField(_("naam"), max_length=300)
    country = models.CharField(_("land"), max_length=2)
    registration_no = models.CharField(_("KvK/registratienummer"), max_length=100, blank=True)
    company = models.ForeignKey(
        Company, verbose_name=_("bedrijf"), null=True, blank=True, on_delete=models.SET_NULL, related_name="operators"
    )

    class Meta:
        verbose_name = _("rekeninghouder")
        verbose_name_plural = _("rekeninghouders")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="operator_unique_country_name")]

    def __str__(self) -> str:
        return self.name


class Installation(models.Model):
    """An EU ETS installation (or aircraft operator, activity code 10), or an installation outside the
    ETS under the national levy only (``levy_kind`` not ``ets``; id LL-NAT-number, not from the EUTL)."""

    eutl_id = models.CharField(
        _("EUTL-id"),
        max_length=40,
        unique=True,
        help_text=_("Bijvoorbeeld NL-340; een installatie buiten het ETS heeft een eigen id, bijvoorbeeld NL-NAT-1."),
        # part of the installation's URL: a '/' or a space there would break every page linking to it
        validators=[
            RegexValidator(
                REGISTER_ID_PATTERN,
                _("Een EUTL-id heeft de vorm LL-nummer, bijvoorbeeld NL-340 (buiten het ETS: LL-NAT-nummer, bijvoorbeeld NL-NAT-1)."),
            )
        ],
    )
    levy_kind = models.CharField(
        _("soort (heffing)"), max_length=20, choices=LevyKind.choices, default=LevyKind.ETS,
        help_text=_("EU ETS, of alleen de nationale CO2-heffing (AVI, N2O buiten het ETS)."),
    )
    province = models.CharField(_("provincie"), max_length=100, blank=True)
    country = models.CharField(_("land"), max_length=2, db_index=True)
    name = models.CharField(_("naam"), max_length=300)
    operator = models.ForeignKey(
        Operator, verbose_name=_("rekeninghouder"), on_delete=models.PROTECT, related_name="installations"
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("bedrijf (afwijkend)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="installations",
        help_text=_("Alleen invullen als de installatie bij een ander bedrijf hoort dan de rekeninghouder."),
    )
    activity_code = models.PositiveSmallIntegerField(_("activiteitcode"), null=True, blank=True)
    activity_label = models.CharField(_("activiteit"), max_length=200, blank=True)
    permit_id = models.CharField(_("vergunning"), max_length=100, blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True)
    zip_code = models.CharField(_("postcode"), max_length=40, blank=True)
    city = models.CharField(_("plaats"), max_length=200, blank=True)
    first_year = models.PositiveSmallIntegerField(_("eerste emissiejaar"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("laatste emissiejaar"), null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("installatie")
        verbose_name_plural = _("installaties")
        ordering = ["eutl_id"]
        constraints = [
            # an EUTL id belongs to an ETS installation, an LL-NAT id to one outside the ETS: an EUTL
            # import can never overwrite a national installation, nor the other way round
            models.CheckConstraint(
                condition=(models.Q(levy_kind="ets") & ~models.Q(eutl_id__contains=NATIONAL_ID_INFIX))
                | (~models.Q(levy_kind="ets") & models.Q(eutl_id__contains=NATIONAL_ID_INFIX)),
                name="installation_national_id_iff_not_ets",
            )
        ]

    def __str__(self) -> str:
        return f"{self.eutl_id} {self.name}"

    @property
    def effective_company(self):
        return self.company or self.operator.company

    @property
    def is_national(self) -> bool:
        """Outside the EU ETS, under the national levy only (its figures are in neither the EUTL nor the NEa's ETS list)."""
        return self.levy_kind != LevyKind.ETS

    def record_sources(self) -> list[tuple[str, str]]:
        """(source, years) of this installation's yearly figures, e.g. [("AEB jaarverslag", "2022, 2023")]."""
        years: dict[str, list[int]] = {}
        for year, source in self.records.filter(verified_emissions_t__isnull=False).order_by("year").values_list("year", "source"):
            years.setdefault(source or "onbekend", []).append(year)
        return [(source, ", ".join(str(y) for y in ys)) for source, ys in years.items()]


class EmissionRecord(models.Model):
    """One installation's figures for one year: verified emissions, free allocation, compliance code.

    Missing figures (the registry's ``NA``, ``Excluded``, ``Not Reported``, …) are stored as NULL, never 0.
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="records")
    year = models.PositiveSmallIntegerField(_("jaar"))
    verified_emissions_t = models.BigIntegerField(_("geverifieerde emissies (t CO2e)"), null=True, blank=True)
    free_allocation_t = models.BigIntegerField(_("gratis toewijzing (t)"), null=True, blank=True)
    compliance_code = models.CharField(_("nalevingscode"), max_length=10, blank=True)
    source = models.CharField(_("bron"), max_length=300, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("jaarrecord")
        verbose_name_plural = _("jaarrecords")
        ordering = ["installation", "year"]
        constraints = [models.UniqueConstraint(fields=["installation", "year"], name="record_unique_year")]
        indexes = [
            models.Index(fields=["year", "installation"], name="record_year_idx"),
            # the register page: the years with a verified figure in a country, and a country's ranking
            # for a year, both reached from the country's installations
            models.Index(
                fields=["installation", "year"],
                condition=models.Q(verified_emissions_t__isnull=False),
                name="record_verified_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.installation.eutl_id} {self.year}"


class NeaPermit(models.Model):
    """One ETS permit (*vergunning*) in the NEa's yearly publication, as the NEa names it.

    Joined to the registry's installations by permit number (``Installation.permit_id``, the EUTL's
    ``PermitOrPlanID``) when read, not stored: an EUTL import after the NEa import joins as well. A
    permit without an installation stays here and is listed as unmatched.
    """

    permit_id = models.CharField(_("vergunning"), max_length=40, unique=True, help_text=_("Zoals de NEa het schrijft, bijv. NL-200400161a."))
    installation_name = models.CharField(_("inrichtingsnaam"), max_length=300)
    operator_name = models.CharField(_("drijvernaam"), max_length=300, blank=True)
    city = models.CharField(_("plaats"), max_length=200, blank=True)
    sheet = models.CharField(_("blad"), max_length=100, blank=True)
    row = models.PositiveIntegerField(_("rij"), null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("NEa-vergunning")
        verbose_name_plural = _("NEa-vergunningen")
        ordering = ["permit_id"]

    def __str__(self) -> str:
        return f"{self.permit_id} {self.installation_name}"


class NeaEmission(models.Model):
    """The NEa's verified emissions of one permit in one year; NULL where the NEa writes '-' (no figure)."""

    permit = models.ForeignKey(NeaPermit, on_delete=models.CASCADE, related_name="records")
    year = models.PositiveSmallIntegerField(_("jaar"))
    emissions_t = models.BigIntegerField(_("geverifieerde emissies (t CO2e)"), null=True, blank=True)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("NEa-jaarcijfer")
        verbose_name_plural = _("NEa-jaarcijfers")
        ordering = ["permit", "year"]
        constraints = [models.UniqueConstraint(fields=["permit", "year"], name="nea_emission_unique_year")]
        indexes = [models.Index(fields=["year", "permit"], name="nea_emission_year_idx")]

    def __str__(self) -> str:
        return f"{self.permit.permit_id} {self.year}"
from .models_pollutants import Facility, FacilityRelease  # noqa: E402,F401  (EEA releases; a separate file)
