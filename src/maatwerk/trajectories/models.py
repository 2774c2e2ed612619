"""Trajectories: the maatwerk process per company, as an append-only event history.

The phase of a trajectory is derived from its events (see :mod:`maatwerk.engine.workflow`); the
``phase`` and ``phase_since`` columns are a cache for queries, rewritten after every event.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.dates import happened_date_error


class PartyKind(models.TextChoices):
    COMPANY = "company", _("Bedrijf")
    MINISTRY = "ministry", _("Ministerie")
    PROVINCE = "province", _("Provincie")
    GRID_OPERATOR = "grid_operator", _("Netbeheerder")
    RVO = "rvo", _("RVO")
    AMVI = "amvi", _("AMVI")
    OTHER = "other", _("Overig")


class Party(models.Model):
    """An organisation taking part in trajectories: the company, KGG, IenW, a province, a grid operator, RVO, AMVI."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    kind = models.CharField(_("soort"), max_length=20, choices=PartyKind.choices)
    company = models.ForeignKey(
        "registry.Company", verbose_name=_("bedrijf"), null=True, blank=True, on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("partij")
        verbose_name_plural = _("partijen")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("naam"), max_length=200)
    function = models.CharField(_("functie"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["party", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.party})"


class AdmissionKind(models.TextChoices):
    """How a company entered the programme (q 6, q 58, q 75): as one of the top-20 emitters, or as an
    admitted extension (Cosun, Alco Energy Rotterdam, FrieslandCampina), with a recorded reason."""

    TOP20 = "top20", _("Top-20")
    EXTENSION = "extension", _("Uitbreiding")


class Trajectory(models.Model):
    company = models.OneToOneField("registry.Company", verbose_name=_("bedrijf"), on_delete=models.PROTECT, related_name="trajectory")
    parties = models.ManyToManyField(Party, verbose_name=_("partijen"), blank=True, related_name="trajectories")
    # Eligibility at the Expression of Principles (q 6, q 26 of Kamerstuk 29 826 nr. 177).
    top20 = models.BooleanField(
        _("in de top-20"), null=True, blank=True, help_text=_("Leeg = onbekend. Buiten de top-20 is een reden voor uitbreiding nodig.")
    )
    climate_plan_target_year = models.PositiveSmallIntegerField(
        _("klimaatneutraal in (klimaatplan)"), null=True, blank=True, help_text=_("Streven 2040, uiterlijk 2050.")
    )
    willing_to_invest_in_nl = models.BooleanField(
        _("bereid te investeren en te produceren in Nederland"), null=True, blank=True
    )
    financial_securities = models.TextField(_("financiële zekerheden voor de Staat"), blank=True)
    # Admission (issue 13): top-20 or extension, why, and the source document that says so. ``top20``
    # and the company's ``extension_reason`` follow it (services.set_admission writes all three).
    admission_kind = models.CharField(_("toegelaten als"), max_length=10, choices=AdmissionKind.choices, blank=True)
    admission_reason = models.TextField(_("reden van toelating"), blank=True)
    admission_source = models.ForeignKey(
        "Document", verbose_name=_("bron van de toelating"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Cache of the derived state (rewritten from the events by services.refresh_cache).
    phase = models.CharField(_("fase"), max_length=30, default="exploration", db_index=True)
    phase_since = models.DateField(_("fase sinds"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, help_text=_("Optimistische vergrendeling: verhoogd bij elke wijziging."))

    class Meta:
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        ordering = ["company__name"]

    def __str__(self) -> str:
        return str(self.company)


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Faseovergang")
    EDIT = "edit", _("Wijziging")
    DOCUMENT = "document", _("Document")
    AMVI_ADVICE = "amvi_advice", _("AMVI-advies")
    AMVI_RESPONSE = "amvi_response", _("Reactie op AMVI-punt")
    PARLIAMENT = "parliament", _("Kamer geïnformeerd")
    NOTE = "note", _("Notitie")
    REVIEW = "review", _("Documentbeoordeling")
    FIGURE = "figure", _("Cijfer")  # a figure recorded in the register (maatwerk.figures)
    PUBLICATION = "publication", _("Publicatie")  # a figure or document proposed or published (four eyes)
    GATE_EXCEPTION = "gate_exception", _("Uitzondering op poortvoorwaarden")
    PARTY = "party", _("Partij")


class AppendOnly(models.Model):
    """Rows that may be added but never changed or removed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValidationError(_("Gebeurtenissen zijn onveranderlijk; leg een nieuwe gebeurtenis vast."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Gebeurtenissen worden nooit verwijderd."))


class Event(AppendOnly):
    """One thing that happened in a trajectory: a transition, an edit, a document, an AMVI advice, …

    ``effective_date`` is when it happened, when the day is known (None otherwise); ``not_after`` is then
    the latest day it can have happened (e.g. "before the JLoI", or the last day of "in 2021"), and
    ``approx`` a best estimate, so reconstruction stays honest. ``payload["when"]`` keeps the date
    forms as entered (``{"date": "2021", "not_after": null, "before": null, "approx": null}``, see
    :class:`maatwerk.core.dates.When`) for display and export; the columns are what the engine reads.
    ``source_document`` is the document the event is taken from (a Kamerbrief, a news item).
    """

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("soort"), max_length=20, choices=EventKind.choices)
    to_phase = models.CharField(_("naar fase"), max_length=30, blank=True)
    effective_date = models.DateField(_("datum"), null=True, blank=True)
    not_after = models.DateField(_("uiterlijk op"), null=True, blank=True)
    approx = models.DateField(_("ongeveer op"), null=True, blank=True)
    source_document = models.ForeignKey(
        "Document", verbose_name=_("brondocument"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("door"), max_length=200, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    source = models.TextField(_("bron"), blank=True)
    payload = models.JSONField(_("wat veranderde"), default=dict, blank=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["trajectory", "effective_date", "recorded_at", "pk"]
        indexes = [models.Index(fields=["trajectory", "effective_date"], name="event_traj_date_idx")]

    def __str__(self) -> str:
        return f"{self.trajectory}: {self.get_kind_display()} {self.to_phase} {self.effective_date or '?'}"

    def clean(self):
        errors = {
            field: error
            for field, label in (("effective_date", "Datum"), ("not_after", "Uiterlijk op"), ("approx", "Ongeveer"))
            if (error := happened_date_error(getattr(self, field), label))
        }
        if errors:
            raise ValidationError(errors)

    @property
    def when(self):
        """When it happened as entered (:class:`~maatwerk.core.dates.When`); for older events built
        from the columns (a day, or a ``not_after`` day)."""
        from maatwerk.core.dates import PartialDate, When

        entered = (self.payload or {}).get("when") if isinstance(self.payload, dict) else None
        if entered:
            return When.from_dict(entered)
        day = lambda d: PartialDate.of(d) if d else None  # noqa: E731
        return When(date=day(self.effective_date), not_after=None if self.effective_date else day(self.not_after),
                    approx=None if self.effective_date else day(self.approx))

    def save(self, *args, **kwargs):
        if self.pk is None:
            self.clean()  # the last line: no implausible date enters the append-only history, whatever the route
        super().save(*args, **kwargs)


class DocumentType(models.TextChoices):
    EOP = "eop", _("Expression of Principles")
    CONCEPT_JLOI = "concept_jloi", _("Concept-JLoI")
    JLOI = "jloi", _("Joint Letter of Intent")
    AMVI_ADVICE = "amvi_advice", _("AMVI-advies")
    BUSINESS_CASE = "business_case", _("Businesscase")
    DUE_DILIGENCE = "due_diligence", _("Due diligence")
    CLIMATE_PLAN = "climate_plan", _("Klimaatplan")
    BINDING_AGREEMENT = "binding_agreement", _("Bindende maatwerkafspraak")
    PROGRESS_REPORT = "progress_report", _("Voortgangsrapportage")
    KAMERBRIEF = "kamerbrief", _("Kamerbrief")
    NEWS = "news", _("Nieuwsbericht")
    NEGOTIATION = "negotiation", _("Onderhandelingsstukken")
    OTHER = "other", _("Overig")


class DatePrecision(models.TextChoices):
    """How much of a date the public record gives: a day, a month or only a year. The stored date is
    then the first day of that month or year; ``Document.latest_date`` is its last day."""

    DAY = "day", _("dag")
    MONTH = "month", _("maand")
    YEAR = "year", _("jaar")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Openbaar")
    INTERNAL = "internal", _("Intern")
    CONFIDENTIAL = "confidential", _("Vertrouwelijke bedrijfsinformatie")


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Ingediend, nog niet beoordeeld")
    ACCEPTED = "accepted", _("Geaccepteerd")
    REJECTED = "rejected", _("Afgewezen")


class Originator(models.TextChoices):
    """Who supplied a document: the company itself, or the State (the programme team, its advisers)."""

    COMPANY = "company", _("Bedrijf")
    STATE = "state", _("Staat")


# Document types that are confidential whatever the form says (q 4, q 41, q 73): the business case,
# the State's due diligence and the negotiation papers (mandate, positions).
CONFIDENTIAL_TYPES = frozenset({DocumentType.BUSINESS_CASE, DocumentType.DUE_DILIGENCE, DocumentType.NEGOTIATION})
NEVER_PUBLIC_TYPES = CONFIDENTIAL_TYPES  # (the constraint "confidential_by_type" below spells them out)
# The State's own papers: never shown to the company, never uploaded by it.
STATE_ONLY_TYPES = frozenset({DocumentType.DUE_DILIGENCE, DocumentType.NEGOTIATION})
# Types a company may submit (the AMVI's advice and the State's papers are not the company's to supply).
COMPANY_SUBMITTABLE_TYPES = frozenset(set(DocumentType) - STATE_ONLY_TYPES - {DocumentType.AMVI_ADVICE})
# Who supplies a document of a type when the uploader does not say (demo data, existing rows).
COMPANY_SUPPLIED_TYPES = frozenset(
    {DocumentType.BUSINESS_CASE, DocumentType.CLIMATE_PLAN, DocumentType.PROGRESS_REPORT, DocumentType.CONCEPT_JLOI}
)


def originator_by_type(doc_type: str) -> str:
    return Originator.COMPANY if doc_type in COMPANY_SUPPLIED_TYPES else Originator.STATE


# Document types the AMVI receives as background to a concept JLoI.
AMVI_DOCUMENT_TYPES = frozenset(
    {DocumentType.CONCEPT_JLOI, DocumentType.BUSINESS_CASE, DocumentType.DUE_DILIGENCE, DocumentType.AMVI_ADVICE, DocumentType.CLIMATE_PLAN}
)


def upload_path(instance, filename):
    return f"documents/{instance.trajectory_id}/{instance.sha256[:16]}-{filename}"


class Document(models.Model):
    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField(_("soort"), max_length=30, choices=DocumentType.choices)
    title = models.CharField(_("titel"), max_length=300)
    document_date = models.DateField(_("documentdatum"), null=True, blank=True)
    confidentiality = models.CharField(
        _("vertrouwelijkheid"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    published = models.BooleanField(_("gepubliceerd"), default=False)
    published_on = models.DateField(_("gepubliceerd op"), null=True, blank=True)
    file = models.FileField(_("bestand"), upload_to=upload_path, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    public_url = models.URLField(_("openbare vindplaats"), blank=True, help_text=_("Bijv. de Kamerbrief op rijksoverheid.nl."))
    source = models.TextField(_("bron"), blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    originator = models.CharField(_("afkomstig van"), max_length=10, choices=Originator.choices, default=Originator.STATE)
    status = models.CharField(_("beoordeling"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED)
    proposed_public = models.BooleanField(
        _("voorgesteld openbaar"), default=False, help_text=_("Het bedrijf stelt voor dit document openbaar te maken; het programmateam beslist.")
    )
    review_reason = models.TextField(_("toelichting beoordeling"), blank=True)
    # As a source of figures (issue 13): how precise its date is, its reference, its key in a case file,
    # and the four eyes of publication (who proposed it, who published it).
    date_precision = models.CharField(_("nauwkeurigheid datum"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    reference = models.CharField(_("kenmerk"), max_length=100, blank=True, help_text=_("Bijv. Kamerstuk 29 826 nr. 266."))
    case_key = models.CharField(_("sleutel in het casusbestand"), max_length=100, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["trajectory", "document_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(doc_type__in=["business_case", "due_diligence", "negotiation"]) | models.Q(confidentiality="confidential"),
                name="confidential_by_type",
            ),
            models.CheckConstraint(
                condition=~models.Q(published=True) | models.Q(confidentiality="public"),
                name="only_public_documents_published",
            ),
            models.CheckConstraint(
                condition=~models.Q(published=True) | models.Q(status="accepted"),
                name="only_accepted_documents_published",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(review_reason=""),
                name="rejection_has_reason",
            ),
            models.UniqueConstraint(
                fields=["trajectory", "case_key"], condition=~models.Q(case_key=""), name="document_case_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.doc_type in CONFIDENTIAL_TYPES and self.confidentiality != Confidentiality.CONFIDENTIAL:
            raise ValidationError(
                {"confidentiality": _("Een businesscase, due diligence of onderhandelingsstuk is altijd vertrouwelijk.")}
            )
        if self.published and self.confidentiality != Confidentiality.PUBLIC:
            raise ValidationError({"published": _("Alleen openbare documenten kunnen gepubliceerd worden.")})
        if self.published and self.status != ReviewStatus.ACCEPTED:
            raise ValidationError({"published": _("Alleen een door het programmateam geaccepteerd document kan gepubliceerd worden.")})
        if self.status == ReviewStatus.REJECTED and not self.review_reason.strip():
            raise ValidationError({"review_reason": _("Geef een reden als een document wordt afgewezen.")})
        error = happened_date_error(self.document_date, "Documentdatum")
        if error:
            raise ValidationError({"document_date": error})

    @property
    def latest_date(self):
        """The last day the document's date can be (its date for day precision; the end of its month
        or year otherwise; None when undated)."""
        import calendar
        import datetime as dt

        d = self.document_date
        if d is None or self.date_precision == DatePrecision.DAY:
            return d
        if self.date_precision == DatePrecision.MONTH:
            return d.replace(day=calendar.monthrange(d.year, d.month)[1])
        return dt.date(d.year, 12, 31)

    @property
    def is_public(self) -> bool:
        return self.published and self.confidentiality == Confidentiality.PUBLIC

    @property
    def may_be_published(self) -> bool:
        """Whether the programme team may still publish it: not rejected, not yet published, and of a
        type that may be public at all."""
        return self.status != ReviewStatus.REJECTED and not self.published and self.doc_type not in CONFIDENTIAL_TYPES

    def set_file_meta(self, size: int, sha256: str, content_type: str) -> None:
        self.size, self.sha256, self.content_type = size, sha256, content_type


class Judgement(models.TextChoices):
    POSITIVE = "positive", _("Positief")
    CONDITIONAL = "conditional", _("Positief onder voorwaarden")
    NEGATIVE = "negative", _("Negatief")
    NOT_EXPLICIT = "not_explicit", _("Geen expliciet oordeel (zie samenvatting)")


class AmviAdvice(models.Model):
    """The AMVI's advice on a concept JLoI (decree BWBR0047890): judgements plus conditions, advice, considerations."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="amvi_advices")
    concept_submitted_on = models.DateField(_("concept voorgelegd op"), null=True, blank=True)
    advice_date = models.DateField(_("datum advies"), null=True, blank=True)
    feasibility = models.CharField(_("haalbaarheid"), max_length=20, choices=Judgement.choices, blank=True)
    cost_effectiveness = models.CharField(_("doelmatigheid"), max_length=20, choices=Judgement.choices, blank=True)
    ambition = models.CharField(_("ambitie"), max_length=20, choices=Judgement.choices, blank=True)
    summary = models.TextField(_("samenvatting"), blank=True)
    source = models.TextField(_("bron"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("AMVI-advies")
        verbose_name_plural = _("AMVI-adviezen")
        ordering = ["trajectory", "advice_date"]

    def __str__(self) -> str:
        return f"AMVI-advies {self.trajectory} {self.advice_date or '?'}"

    def clean(self):
        errors = {
            field: error
            for field, label in (("concept_submitted_on", "Concept voorgelegd op"), ("advice_date", "Datum advies"))
            if (error := happened_date_error(getattr(self, field), label))
        }
        if errors:
            raise ValidationError(errors)


class AmviItemKind(models.TextChoices):
    CONDITION = "condition", _("Voorwaarde")
    ADVICE = "advice", _("Advies")
    CONSIDERATION = "consideration", _("Overweging")


class Response(models.TextChoices):
    PENDING = "pending", _("Nog geen reactie")
    ADOPTED = "adopted", _("Overgenomen")
    PARTLY = "partly", _("Deels overgenomen")
    NOT_ADOPTED = "not_adopted", _("Niet overgenomen")


class AmviItem(models.Model):
    advice = models.ForeignKey(AmviAdvice, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("soort"), max_length=20, choices=AmviItemKind.choices)
    text = models.TextField(_("tekst"))
    response = models.CharField(_("reactie kabinet"), max_length=20, choices=Response.choices, default=Response.PENDING)
    response_reason = models.TextField(_("motivering"), blank=True)

    class Meta:
        verbose_name = _("AMVI-punt")
        verbose_name_plural = _("AMVI-punten")
        ordering = ["advice", "kind", "pk"]

    def clean(self):
        if self.response in (Response.PARTLY, Response.NOT_ADOPTED) and not self.response_reason.strip():
            raise ValidationError({"response_reason": _("Geef een reden als een punt (deels) niet is overgenomen.")})

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"


class ParliamentNotice(models.Model):
    """Parliament informed (date and Kamerstuk), e.g. after a signed JLoI (process in Kamerstuk 29 826 nr. 197)."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="parliament_notices")
    subject_phase = models.CharField(_("over fase"), max_length=30, default="jloi_signed")
    informed_on = models.DateField(_("geïnformeerd op"), null=True, blank=True, help_text=_("Leeg als de dag niet openbaar is."))
    not_after = models.DateField(_("uiterlijk op"), null=True, blank=True)
    kamerstuk = models.CharField(_("Kamerstuk"), max_length=40, blank=True, help_text=_("Dossier en volgnummer, bijv. 29826-197."))
    source = models.TextField(_("bron"), blank=True)

    class Meta:
        verbose_name = _("informatie aan de Kamer")
        verbose_name_plural = _("informatie aan de Kamer")
        ordering = ["trajectory", "informed_on"]

    def __str__(self) -> str:
        return f"{self.trajectory}: {self.informed_on} {self.kamerstuk}"

    def clean(self):
        errors = {
            field: error
            for field, label in (("informed_on", "Geïnformeerd op"), ("not_after", "Uiterlijk op"))
            if (error := happened_date_error(getattr(self, field), label))
        }
        if errors:
            raise ValidationError(errors)
