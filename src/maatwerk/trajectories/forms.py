from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.core.dates import PARTIAL_DATE_HELP, WHEN_LABELS, When, happened_validator, partial_date_error
from maatwerk.core.forms import DateInput, StyledForm, add_optional_management
from maatwerk.engine import workflow
from maatwerk.registry.models import Operator, Sector

from .models import (
    COMPANY_SUBMITTABLE_TYPES,
    AdmissionKind,
    AmviItemKind,
    Confidentiality,
    Document,
    DocumentType,
    Judgement,
    Response,
)
from .uploads import MAX_UPLOAD_BYTES

# --- dates as the public record gives them -----------------------------------------------------------


class PartialDateField(forms.CharField):
    """A day (``2026-03-11``), a month (``2025-06``) or a year (``2021``) of something that happened;
    cleaned to a :class:`~maatwerk.core.dates.PartialDate` (None when empty)."""

    def __init__(self, *args, message_label: str = "", **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.message_label = message_label
        self.widget.attrs.update({"placeholder": "JJJJ-MM-DD, JJJJ-MM of JJJJ", "autocomplete": "off", "maxlength": "10", "size": "12",
                                  "class": "partial-date"})

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > 20:
            raise forms.ValidationError(_("%(l)s: te lang; schrijf %(f)s.") % {"l": self.message_label or self.label, "f": PARTIAL_DATE_HELP})
        parsed, error = partial_date_error(text, str(self.message_label or self.label))
        if error:
            raise forms.ValidationError(error, code="invalid_date")
        return parsed


WHEN_HELP = {
    "date": _("Een dag, een maand of alleen een jaar: %(forms)s. Een maand of jaar telt vanaf de laatste dag ervan "
              "(‘2021’ = ergens in 2021, op 31 december 2021 zeker gebeurd). Leeg als de datum niet openbaar is.") % {"forms": PARTIAL_DATE_HELP},
    "not_after": _("Alleen als de datum onbekend is: de laatste dag waarop het gebeurd kan zijn, bijv. ‘uiterlijk 2025-06-30’."),
    "before": _("Alleen als de datum onbekend is: het gebeurde vóór deze dag, bijv. vóór de JLoI van 2026-03-11."),
    "approx": _("Niet verplicht: een beste schatting (wordt nooit als datum getoond, alleen als ‘ca.’)."),
}


class WhenMixin:
    """The four date fields of an event (its date, not_after, before, approx); ``self.when`` (a
    :class:`~maatwerk.core.dates.When`) after cleaning. Fields are declared with :func:`when_fields`;
    ``date_name`` is the name of the date field (e.g. ``informed_on``, as older clients post it)."""

    date_name = "date"

    def _when_names(self) -> dict:
        return {n: (self.date_name if n == "date" else n) for n in WHEN_LABELS}

    def clean(self):
        data = super().clean()
        names = self._when_names()
        labels = {n: str(self.fields[f].label) for n, f in names.items()}
        when = When(**{n: data.get(f) for n, f in names.items()})
        for name, message in when.problems(labels).items():
            if names[name] not in self.errors:
                self.add_error(names[name], message.split(": ", 1)[-1])
        self.when = when
        return data


def when_fields(date_label=_("Datum"), date_name: str = "date") -> dict:
    labels = {"date": date_label, "not_after": _("Uiterlijk op"), "before": _("Vóór"), "approx": _("Ongeveer")}
    return {(date_name if n == "date" else n): PartialDateField(label=labels[n], help_text=WHEN_HELP[n]) for n in WHEN_LABELS}


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, doc):
        when = f" ({doc.document_date:%Y-%m-%d})" if doc.document_date and doc.date_precision == "day" else (
            f" ({doc.document_date:%Y-%m})" if doc.document_date and doc.date_precision == "month" else
            f" ({doc.document_date:%Y})" if doc.document_date else "")
        return f"{doc.get_doc_type_display()}: {doc.title}{when}"


class DocumentsMixin:
    """Forms with a choice of the trajectory's documents: pass ``documents=`` (a queryset)."""

    document_fields: tuple[str, ...] = ("source_document",)

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.document_fields:
            if name in self.fields:
                self.fields[name].queryset = documents if documents is not None else Document.objects.none()


def source_field(label=_("Bron (document)"), help_text=_("Het document waar dit uit blijkt; voeg het eerst toe onder ‘Bron toevoegen’.")):
    return SourceChoiceField(label=label, required=False, queryset=Document.objects.none(), help_text=help_text, empty_label="—")


class AsOfForm(StyledForm, forms.Form):
    op = forms.DateField(label=_("Peildatum"), required=False, widget=DateInput())


class TransitionForm(DocumentsMixin, WhenMixin, StyledForm, forms.Form):
    """A phase transition with a day, a month, a year or only bounds; a gate the public record cannot
    satisfy passes only by a recorded exception (reason and source document)."""

    document_fields = ("source_document", "exception_source")
    to = forms.ChoiceField(label=_("Naar fase"))
    date, not_after, before, approx = when_fields(_("Datum")).values()
    date.initial = timezone.localdate  # a move recorded as it happens; clear it for a month, a year or only bounds
    source_document = source_field()
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("Bij een exit (geen potentieel, pauze, beëindigd) is dit de reden."))
    exception = forms.BooleanField(
        label=_("Poort passeren met een uitzondering"), required=False,
        help_text=_("Alleen als het openbare dossier een voorwaarde niet invult (bijv. geen klimaatplanjaar of EoP-document). "
                    "Elke ontbrekende voorwaarde wordt met uw naam, de reden en de bron vastgelegd en op de trajectpagina getoond."),
    )
    exception_reason = forms.CharField(label=_("Reden van de uitzondering"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("Verplicht bij een uitzondering: waarom vult het openbare dossier de voorwaarde niet in?"))
    exception_source = source_field(_("Bron van de uitzondering"), _("Verplicht bij een uitzondering: het document waarop de overgang steunt, bijv. de Kamerbrief."))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, moves=None, **kwargs):
        """``moves``: the phases offered first (the moves of the table from the current phase); every
        phase stays choosable so that the rules, not the form, explain a refusal."""
        super().__init__(*args, **kwargs)
        offered = [p for p in workflow.PHASES if moves is None or p.code in moves]
        rest = [p for p in workflow.PHASES if p not in offered]
        self.fields["to"].choices = [(p.code, p.label) for p in offered] + (
            [("Andere fasen (worden geweigerd)", [(p.code, p.label) for p in rest])] if rest else []
        )

    def clean(self):
        data = super().clean()
        if data.get("exception"):
            if not (data.get("exception_reason") or "").strip():
                self.add_error("exception_reason", _("Geef de reden van de uitzondering: waarom vult het openbare dossier de voorwaarde niet in?"))
            if not data.get("exception_source"):
                self.add_error("exception_source", _("Kies de bron van de uitzondering (voeg het document eerst toe)."))
        elif (data.get("exception_reason") or "").strip():
            self.add_error("exception", _("Vink de uitzondering aan, of maak de reden leeg."))
        return data


class NoteForm(DocumentsMixin, WhenMixin, StyledForm, forms.Form):
    note = forms.CharField(label=_("Notitie"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    date, not_after, before, approx = when_fields(_("Datum")).values()
    source_document = source_field()


class PartyForm(StyledForm, forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200, help_text=_("Bijv. Provincie Zuid-Holland, Ministerie van KGG."))
    role = forms.ChoiceField(label=_("Rol"), choices=[("state", _("Rijk (ministerie)")), ("province", _("Provincie")),
                                                       ("company", _("Bedrijf")), ("other", _("Overig"))])


class SourceForm(StyledForm, forms.Form):
    """A source document without a file: a Kamerbrief, a news item, a published EoP or JLoI."""

    doc_type = forms.ChoiceField(label=_("Soort"), choices=DocumentType.choices, initial=DocumentType.KAMERBRIEF)
    title = forms.CharField(label=_("Titel"), max_length=300)
    date = PartialDateField(label=_("Datum"), message_label="Datum van het document",
                            help_text=_("%(forms)s; bij een maand of jaar wordt de eerste dag opgeslagen met die nauwkeurigheid.") % {"forms": PARTIAL_DATE_HELP})
    reference = forms.CharField(label=_("Kenmerk"), required=False, max_length=100, help_text=_("Bijv. Kamerstuk 29 826 nr. 266."))
    public_url = forms.URLField(label=_("Vindplaats (webadres)"), required=False, assume_scheme="https",
                                help_text=_("Bijv. de Kamerbrief op rijksoverheid.nl of tweedekamer.nl."))
    public = forms.BooleanField(label=_("Openbaar document"), required=False,
                                help_text=_("Openbaar in de wereld (Kamerbrief, nieuwsbericht). Publiceren op deze site is een aparte stap."))


PROPOSED_PUBLIC = "proposed_public"


class DocumentForm(StyledForm, forms.Form):
    """The programme team's upload form: any type, any confidentiality, may publish at once.

    Business cases, due diligence and negotiation papers are stored as confidential whatever is chosen."""

    doc_type = forms.ChoiceField(label=_("Soort"), choices=DocumentType.choices)
    title = forms.CharField(label=_("Titel"), max_length=300)
    document_date = forms.DateField(
        label=_("Documentdatum"), required=False, widget=DateInput(), validators=[happened_validator("Documentdatum")]
    )
    confidentiality = forms.ChoiceField(
        label=_("Vertrouwelijkheid"), choices=Confidentiality.choices, initial=Confidentiality.INTERNAL,
        help_text=_("Businesscase, due diligence en onderhandelingsstukken zijn altijd vertrouwelijk."),
    )
    published = forms.BooleanField(label=_("Publiceren"), required=False)
    file = forms.FileField(
        label=_("Bestand"), help_text=_("PDF, DOCX, XLSX, ODT, ODS, CSV of TXT; ten hoogste %(mb)d MB.") % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
    )

    def clean(self):
        data = super().clean()
        if data.get("published") and data.get("confidentiality") != Confidentiality.PUBLIC:
            self.add_error("published", _("Alleen een openbaar document kan gepubliceerd worden."))
        return data

    def document_terms(self) -> dict:
        """The keyword arguments of services.add_document for the confidentiality chosen."""
        d = self.cleaned_data
        return {"confidentiality": d["confidentiality"], "published": d["published"], "proposed_public": False}


class CompanyDocumentForm(DocumentForm):
    """A company submits documents for the programme team's review: it never publishes, it may at most
    propose a document as public; the State's papers and the AMVI's advice are not its to submit."""

    published = None
    doc_type = forms.ChoiceField(label=_("Soort"), choices=[c for c in DocumentType.choices if c[0] in COMPANY_SUBMITTABLE_TYPES])
    confidentiality = forms.ChoiceField(
        label=_("Vertrouwelijkheid"),
        choices=[
            (Confidentiality.CONFIDENTIAL, Confidentiality.CONFIDENTIAL.label),
            (Confidentiality.INTERNAL, Confidentiality.INTERNAL.label),
            (PROPOSED_PUBLIC, _("Voorgesteld openbaar (het programmateam beslist)")),
        ],
        initial=Confidentiality.CONFIDENTIAL,
        help_text=_("Het programmateam beoordeelt elk ingediend document; een businesscase is altijd vertrouwelijk."),
    )

    def clean(self):
        return forms.Form.clean(self)

    def document_terms(self) -> dict:
        chosen = self.cleaned_data["confidentiality"]
        if chosen == PROPOSED_PUBLIC:
            return {"confidentiality": Confidentiality.INTERNAL, "published": False, "proposed_public": True}
        return {"confidentiality": chosen, "published": False, "proposed_public": False}


class ReviewForm(StyledForm, forms.Form):
    decision = forms.ChoiceField(
        label=_("Beslissing"),
        choices=[("accept", _("Accepteren")), ("publish", _("Accepteren en publiceren")), ("reject", _("Afwijzen"))],
    )
    reason = forms.CharField(label=_("Reden (verplicht bij afwijzen)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("reason", "").strip():
            self.add_error("reason", _("Geef een reden als een document wordt afgewezen."))
        return data


UNKNOWN_JUDGEMENT = [("", _("Onbekend (niet openbaar)"))]


class AmviAdviceForm(DocumentsMixin, WhenMixin, StyledForm, forms.Form):
    """The AMVI's advice; its date may be a day, a month, a year or only bounds, and each judgement
    may be unknown (not public)."""

    concept_submitted_on = forms.DateField(
        label=_("Concept voorgelegd op"), required=False, widget=DateInput(), validators=[happened_validator("Concept voorgelegd op")]
    )
    date_name = "advice_date"
    advice_date, not_after, before, approx = when_fields(_("Datum advies"), "advice_date").values()
    feasibility = forms.ChoiceField(label=_("Haalbaarheid"), choices=UNKNOWN_JUDGEMENT + list(Judgement.choices), required=False)
    cost_effectiveness = forms.ChoiceField(label=_("Doelmatigheid"), choices=UNKNOWN_JUDGEMENT + list(Judgement.choices), required=False)
    ambition = forms.ChoiceField(label=_("Ambitie"), choices=UNKNOWN_JUDGEMENT + list(Judgement.choices), required=False)
    summary = forms.CharField(label=_("Samenvatting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source_document = source_field()
    #: the prefix syntax of older clients and scripts ("voorwaarde: …" per line); the page shows the item rows
    items = forms.CharField(required=False, widget=forms.HiddenInput)

    PREFIXES = {"voorwaarde": AmviItemKind.CONDITION, "advies": AmviItemKind.ADVICE, "overweging": AmviItemKind.CONSIDERATION}

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.item_rows = AmviItemFormSet(add_optional_management(data, "punt"), prefix="punt", auto_id=self.auto_id)
        self.item_rows.label = _("Voorwaarden, adviezen en overwegingen")
        self.item_rows.row_heading = _("Punt")
        self.item_rows.help_text = _("Eén punt per regel: kies de soort en schrijf het punt uit. Lege regels worden overgeslagen.")
        for number, row in enumerate(self.item_rows, start=1):
            row.row_label = _("punt %(n)d") % {"n": number}
        self.formsets = [self.item_rows]

    @property
    def formset_errors(self) -> bool:
        return self.item_rows.is_bound and not self.item_rows.is_valid()

    def is_valid(self):
        rows_valid = self.item_rows.is_valid()
        return super().is_valid() and rows_valid

    def clean_items(self):
        items = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            prefix, sep, text = line.partition(":")
            kind = self.PREFIXES.get(prefix.strip().lower())
            if not sep or kind is None or not text.strip():
                raise forms.ValidationError(
                    _("Regel %(n)d begint niet met 'voorwaarde:', 'advies:' of 'overweging:' gevolgd door tekst.") % {"n": number}
                )
            items.append({"kind": kind, "text": text.strip()})
        return items

    def all_items(self) -> list[dict]:
        """The items of the rows, then any in the prefix syntax (valid forms only)."""
        rows = [{"kind": r.cleaned_data["kind"], "text": r.cleaned_data["text"]} for r in self.item_rows if r.cleaned_data.get("kind")]
        return rows + self.cleaned_data["items"]


    def clean(self):
        data = super().clean()
        submitted, when = data.get("concept_submitted_on"), getattr(self, "when", None)
        if submitted and when is not None and when.bound is not None and when.bound < submitted:
            self.add_error(self.date_name if when.date else "not_after", _("Het advies kan niet vóór het voorleggen van het concept liggen."))
        return data

    def advice_fields(self) -> dict:
        d = self.cleaned_data
        return {"concept_submitted_on": d.get("concept_submitted_on"), "feasibility": d.get("feasibility") or "",
                "cost_effectiveness": d.get("cost_effectiveness") or "", "ambition": d.get("ambition") or "",
                "summary": d.get("summary") or "", "items": self.all_items()}


class AmviItemForm(StyledForm, forms.Form):
    kind = forms.ChoiceField(label=_("Soort"), required=False, choices=[("", "—")] + list(AmviItemKind.choices))
    text = forms.CharField(label=_("Tekst"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("kind") and not (data.get("text") or "").strip():
            self.add_error("text", _("Schrijf het punt uit, of zet de soort terug op —."))
        elif (data.get("text") or "").strip() and not data.get("kind"):
            self.add_error("kind", _("Kies of dit een voorwaarde, advies of overweging is."))
        return data


AmviItemFormSet = forms.formset_factory(AmviItemForm, extra=5, max_num=50, absolute_max=50, validate_max=True)


class ResponseForm(StyledForm, forms.Form):
    response = forms.ChoiceField(label=_("Reactie kabinet"), choices=Response.choices)
    reason = forms.CharField(label=_("Motivering"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ParliamentForm(DocumentsMixin, WhenMixin, StyledForm, forms.Form):
    """Parliament informed: on a day, in a month or year, only bounded, or with the date unknown."""

    date_name = "informed_on"
    informed_on, not_after, before, approx = when_fields(_("Geïnformeerd op"), "informed_on").values()
    kamerstuk = forms.RegexField(
        label=_("Kamerstuk"),
        regex=r"^\d{5}-\d{1,4}$",
        required=False,
        help_text=_("Dossier-volgnummer, bijv. 29826-197. Leeg als het nummer (nog) onbekend is."),
        error_messages={"invalid": _("Gebruik de vorm dossier-volgnummer, bijv. 29826-197.")},
    )
    source_document = source_field()


class AdmissionForm(DocumentsMixin, StyledForm, forms.Form):
    """Admission (top-20 or extension, reason, source) and the other eligibility facts of the EoP gate."""

    document_fields = ("admission_source",)
    admission_kind = forms.ChoiceField(
        label=_("Toegelaten als"), required=False, widget=forms.RadioSelect,
        choices=[(AdmissionKind.TOP20, _("Top-20 grootste industriële uitstoters")), (AdmissionKind.EXTENSION, _("Uitbreiding buiten de top-20")),
                 ("", _("Onbekend"))],
    )
    admission_reason = forms.CharField(label=_("Reden van toelating"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
                                       help_text=_("Verplicht bij een uitbreiding: waarom is het bedrijf toegelaten?"))
    admission_source = source_field(_("Bron van de toelating"), _("Bijv. de voortgangsbrief die de uitbreiding noemt."))
    climate_plan_target_year = forms.IntegerField(
        label=_("Klimaatneutraal in (klimaatplan)"), required=False, min_value=2025, max_value=2100, help_text=_("Streven 2040, uiterlijk 2050.")
    )
    willing_to_invest_in_nl = forms.NullBooleanField(label=_("Bereid te investeren en te produceren in Nederland"), required=False)
    financial_securities = forms.CharField(label=_("Financiële zekerheden voor de Staat"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("admission_kind") == AdmissionKind.EXTENSION and not (data.get("admission_reason") or "").strip():
            self.add_error("admission_reason", _("Geef de reden van toelating: een uitbreiding buiten de top-20 heeft er een nodig."))
        return data


EligibilityForm = AdmissionForm  # (its older name)


# --- companies -------------------------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace(",", "\n").replace(";", "\n").splitlines() if part.strip()]


class CompanyForm(StyledForm, forms.Form):
    """A programme company: name, sector, provinces and its links to the registry."""

    name = forms.CharField(label=_("Naam"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices, initial=Sector.INDUSTRY)
    subsector = forms.CharField(label=_("Subsector"), required=False, max_length=200, help_text=_("Bijv. bio-ethanol, chloor-alkali."))
    sites = forms.CharField(label=_("Locaties"), required=False, max_length=300, help_text=_("Bijv. Europoort."))
    provinces = forms.MultipleChoiceField(label=_("Provincies"), required=False, widget=forms.CheckboxSelectMultiple, choices=[])
    installations = forms.CharField(
        label=_("Installaties (EUTL-id)"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Eén of meer EUTL-id’s, gescheiden door komma’s of regels, bijv. NL-439. Zie Register › Koppelen."),
    )
    operators = forms.CharField(
        label=_("Rekeninghouders"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("De naam van elke EU ETS-rekeninghouder (Nederland) precies zoals in het register, één per regel. "
                    "Al hun installaties horen dan bij dit bedrijf."),
    )

    def __init__(self, *args, **kwargs):
        from .services import PROVINCES

        super().__init__(*args, **kwargs)
        self.fields["provinces"].choices = [(p, p) for p in PROVINCES]

    def clean_installations(self):
        return [i.upper() for i in _split(self.cleaned_data["installations"])]

    def clean_operators(self):
        names = [n.strip() for n in self.cleaned_data["operators"].splitlines() if n.strip()]
        found, missing = [], []
        for name in names:
            operator = Operator.objects.filter(country="NL", name__iexact=name).order_by("pk").first()
            (found.append(operator.pk) if operator else missing.append(name))
        if missing:
            raise forms.ValidationError(_("Niet in het register (Nederland): %(n)s. Schrijf de naam precies zoals in het register, één per regel.")
                                        % {"n": ", ".join(missing)})
        return found

    def company_values(self) -> dict:
        d = self.cleaned_data
        return {f: d[f] for f in ("name", "sector", "subsector", "sites", "provinces", "installations", "operators")}


class NewCompanyForm(CompanyForm):
    admission_kind = AdmissionForm.base_fields["admission_kind"]
    admission_reason = AdmissionForm.base_fields["admission_reason"]

    def clean(self):
        data = super().clean()
        if data.get("admission_kind") == AdmissionKind.EXTENSION and not (data.get("admission_reason") or "").strip():
            self.add_error("admission_reason", _("Geef de reden van toelating: een uitbreiding buiten de top-20 heeft er een nodig."))
        return data


class CompanyEditForm(CompanyForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
