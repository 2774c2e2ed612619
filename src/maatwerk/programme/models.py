"""Programme-level data: budgets, milestones, company emission reports, consequences, outlook assumptions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Budget(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    amount_eur = models.FloatField(_("bedrag (EUR)"))
    scope = models.CharField(
        _("geldt voor"), max_length=200, blank=True, help_text=_('Leeg: alle toegezegde steun van het programma; "sector:waste": één sector; een bedrijfsnaam: één bedrijf; "-": apart instrument, alleen ter referentie.')
    )
    source = models.TextField(_("bron"))

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgetten")
        ordering = ["-amount_eur"]

    def __str__(self) -> str:
        return self.name


class MilestoneKind(models.TextChoices):
    FID = "fid", _("Investeringsbesluit (FID)")
    PERMITS = "permits", _("Vergunningen")
    CONSTRUCTION = "construction_start", _("Start bouw")
    COMMISSIONING = "commissioning", _("Ingebruikname")
    FIRST_YEAR = "first_year_at_target", _("Eerste jaar op doelniveau")


class Milestone(models.Model):
    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("mijlpaal"), max_length=30, choices=MilestoneKind.choices)
    planned = models.DateField(_("gepland"))
    forecast = models.DateField(_("prognose"), null=True, blank=True)
    actual = models.DateField(_("gerealiseerd"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    source = models.TextField(_("bron"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["project", "planned"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_unique_kind")]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()}"

    def clean(self):
        import datetime as dt

        if self.actual and self.actual > dt.date.today():
            raise ValidationError({"actual": _("Een gerealiseerde datum ligt niet in de toekomst; gebruik de prognose.")})
        for name in ("planned", "forecast", "actual"):
            value = getattr(self, name)
            if value and not 2000 <= value.year <= 2100:
                raise ValidationError({name: _("Datum buiten 2000–2100.")})


class EmissionReport(models.Model):
    """Verified emissions reported by the company for a project's scope (monitoring)."""

    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="emission_reports")
    year = models.PositiveSmallIntegerField(_("jaar"))
    emissions_t = models.FloatField(_("emissies (t CO2e)"))
    source = models.TextField(_("bron"), blank=True)

    class Meta:
        verbose_name = _("emissierapportage")
        verbose_name_plural = _("emissierapportages")
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="report_unique_year")]

    def clean(self):
        if self.emissions_t is not None and self.emissions_t < 0:
            raise ValidationError({"emissions_t": _("Emissies kunnen niet negatief zijn.")})


class Consequence(models.Model):
    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="consequences")
    date = models.DateField(_("datum"))
    kind = models.CharField(
        _("soort"), max_length=30, choices=[("warning", _("Aanmaning")), ("support_reclaimed", _("Steun teruggevorderd")), ("agreement_amended", _("Afspraak gewijzigd")), ("other", _("Overig"))]
    )
    amount_eur = models.FloatField(_("bedrag (EUR)"), null=True, blank=True)
    note = models.TextField(_("toelichting"))

    class Meta:
        verbose_name = _("gevolg")
        verbose_name_plural = _("gevolgen")
        ordering = ["project", "date"]


class OutlookAssumptions(models.Model):
    """The editable assumptions of the outlook (one row). Empty conversion rates use the programme's history."""

    conversion_overrides = models.JSONField(
        _("overgangskansen (handmatig)"), default=dict, blank=True, help_text=_('Bijv. {"eop_signed": 0.6}; leeg = afgeleid uit de historie.')
    )
    delay_mean_years = models.FloatField(_("gemiddelde vertraging (jaar)"), default=1.0)
    reduction_sd = models.FloatField(_("onzekerheid reductie (standaardafwijking, fractie)"), default=0.15)
    additional_share_when_unknown = models.FloatField(
        _("additioneel aandeel als onbekend"),
        default=0.0,
        help_text=_("Deel van de CO2-reductie dat als additioneel telt voor projecten zonder bekende additionaliteit (0 = niet meetellen)."),
    )
    note = models.TextField(
        _("toelichting"), blank=True, default="Vertraging en onzekerheid zijn illustratieve aannames, geen gepubliceerde cijfers."
    )
    version = models.PositiveIntegerField(default=0, help_text=_("Optimistische vergrendeling: verhoogd bij elke wijziging."))

    class Meta:
        verbose_name = _("aannames vooruitblik")
        verbose_name_plural = _("aannames vooruitblik")

    def clean(self):
        from maatwerk.engine import workflow

        for phase, value in (self.conversion_overrides or {}).items():
            if phase not in workflow.MAIN_LINE:
                raise ValidationError({"conversion_overrides": _("Onbekende fase %(p)s") % {"p": phase}})
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValidationError({"conversion_overrides": _("Kans voor %(p)s moet tussen 0 en 1 liggen") % {"p": phase}})
        if not 0 <= self.delay_mean_years <= 20:
            raise ValidationError({"delay_mean_years": _("Tussen 0 en 20 jaar.")})
        if not 0 <= self.additional_share_when_unknown <= 1:
            raise ValidationError({"additional_share_when_unknown": _("Tussen 0 en 1.")})
        if not 0 <= self.reduction_sd <= 2:
            raise ValidationError({"reduction_sd": _("Tussen 0 en 2.")})

    @classmethod
    def current(cls) -> "OutlookAssumptions":
        return cls.objects.order_by("pk").first() or cls()
