from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.core.dates import happened_validator
from maatwerk.core.forms import DateInput, StyledForm, add_optional_management
from maatwerk.engine import workflow

from .models import COMPANY_SUBMITTABLE_TYPES, AmviItemKind, Confidentiality, DocumentType, Judgement, Response
from .uploads import MAX_UPLOAD_BYTES


class AsOfForm(StyledForm, forms.Form):
    op = forms.DateField(label=_("Peildatum"), required=False, widget=DateInput())


class TransitionForm(StyledForm, forms.Form):
    to = forms.ChoiceField(label=_("Naar fase"))
    date = forms.DateField(
        label=_("Datum"), widget=DateInput(), initial=timezone.localdate,
        validators=[happened_validator("Datum van de overgang")],
    )
    note = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
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


class AmviAdviceForm(StyledForm, forms.Form):
    concept_submitted_on = forms.DateField(
        label=_("Concept voorgelegd op"), widget=DateInput(), validators=[happened_validator("Concept voorgelegd op")]
    )
    advice_date = forms.DateField(label=_("Datum advies"), widget=DateInput(), validators=[happened_validator("Datum advies")])
    feasibility = forms.ChoiceField(label=_("Haalbaarheid"), choices=Judgement.choices)
    cost_effectiveness = forms.ChoiceField(label=_("Doelmatigheid"), choices=Judgement.choices)
    ambition = forms.ChoiceField(label=_("Ambitie"), choices=Judgement.choices)
    summary = forms.CharField(label=_("Samenvatting"), widget=forms.Textarea(attrs={"rows": 3}))
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
        if data.get("concept_submitted_on") and data.get("advice_date") and data["advice_date"] < data["concept_submitted_on"]:
            self.add_error("advice_date", _("Het advies kan niet vóór het voorleggen van het concept liggen."))
        return data


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


class ParliamentForm(StyledForm, forms.Form):
    informed_on = forms.DateField(
        label=_("Geïnformeerd op"), widget=DateInput(), validators=[happened_validator("Geïnformeerd op")]
    )
    kamerstuk = forms.RegexField(
        label=_("Kamerstuk"),
        regex=r"^\d{5}-\d{1,4}$",
        help_text=_("Dossier-volgnummer, bijv. 29826-197."),
        error_messages={"invalid": _("Gebruik de vorm dossier-volgnummer, bijv. 29826-197.")},
    )


class EligibilityForm(StyledForm, forms.Form):
    top20 = forms.NullBooleanField(label=_("In de top-20"), required=False)
    climate_plan_target_year = forms.IntegerField(
        label=_("Klimaatneutraal in (klimaatplan)"), required=False, min_value=2025, max_value=2100, help_text=_("Streven 2040, uiterlijk 2050.")
    )
    willing_to_invest_in_nl = forms.NullBooleanField(label=_("Bereid te investeren en te produceren in Nederland"), required=False)
    financial_securities = forms.CharField(label=_("Financiële zekerheden voor de Staat"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)
