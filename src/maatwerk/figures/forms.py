"""The form to record a figure (and to correct one: the same form, prefilled, superseding the old)."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

from maatwerk.core.forms import DateInput, DutchDecimalField, StyledForm
from maatwerk.core.templatetags.maatwerk import datum_kort
from maatwerk.core.templatetags.maatwerk import figure as figure_text
from maatwerk.trajectories import permissions as trajectory_permissions
from maatwerk.trajectories.models import Confidentiality

from . import permissions as figure_permissions
from .models import UNITS, Figure, Qualifier, Quantity, qualifier_error

QUALIFIER_HELP = (
    "Precies of ongeveer: alleen de waarde. Ten minste of meer dan: alleen de ondergrens. "
    "Ten hoogste: alleen de bovengrens. Bandbreedte: beide."
)


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, doc):
        state = "openbaar" if doc.is_public else "niet openbaar"
        date = datum_kort(doc.document_date, "datum onbekend")
        return f"{doc.title} ({doc.get_doc_type_display()}, {date}, {state})"


class SupersedesChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, f):
        subject = f" – {f.project.name}" if f.project_id else ""
        return f"{capfirst(f.get_quantity_display())}{subject}: {figure_text(f)} vanaf {datum_kort(f.valid_from)} (nr. {f.pk})"


class FigureForm(StyledForm, forms.Form):
    quantity = forms.ChoiceField(label="Grootheid", choices=[(q.value, f"{capfirst(str(q.label))} ({UNITS[q]})") for q in Quantity])
    project = forms.ModelChoiceField(
        label="Project", queryset=None, required=False, empty_label="Het bedrijf als geheel",
        help_text="Leeg: het cijfer gaat over het bedrijf als geheel.",
    )
    qualifier = forms.ChoiceField(label="Aanduiding", choices=Qualifier.choices, initial=Qualifier.EXACT, help_text=QUALIFIER_HELP)
    low = DutchDecimalField(label="Waarde of ondergrens", required=False, help_text="In de eenheid van de grootheid, bijv. 224.000 (ton per jaar) of 105.000.000 (euro).")
    high = DutchDecimalField(label="Bovengrens", required=False, help_text="Alleen bij een bandbreedte of 'ten hoogste'.")
    year = forms.IntegerField(label="Jaar waarover", required=False, min_value=1990, max_value=2100, help_text="Bijv. 2030 voor een reductie in 2030.")
    base_period = forms.CharField(label="Ten opzichte van", required=False, max_length=20, help_text="Referentiejaar of -periode, bijv. 2021 of 2018-2021.")
    source = SourceChoiceField(label="Brondocument", queryset=None, empty_label="Kies het document dat het cijfer noemt")
    valid_from = forms.DateField(
        label="Geldig vanaf", required=False, widget=DateInput(),
        help_text="De dag waarop het brondocument het cijfer vastlegde. Leeg: de datum van het brondocument.",
    )
    confidentiality = forms.ChoiceField(
        label="Vertrouwelijkheid", choices=Confidentiality.choices, initial=Confidentiality.PUBLIC,
        help_text="Alleen een openbaar cijfer uit een openbaar document kan worden gepubliceerd. Een cijfer uit een vertrouwelijk document is vertrouwelijk.",
    )
    note = forms.CharField(label="Toelichting", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), help_text="Bijv. de zin uit het brondocument.")
    supersedes = SupersedesChoiceField(
        label="Vervangt", queryset=None, required=False, empty_label="Geen: een nieuw cijfer",
        help_text="Bij een correctie of een nieuwere afspraak: het cijfer dat dit cijfer vervangt (zelfde grootheid en project).",
    )

    def __init__(self, *args, company, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        trajectory = company.trajectory
        self.fields["project"].queryset = trajectory.projects.order_by("name")
        self.fields["source"].queryset = (
            trajectory_permissions.visible_documents(user).filter(trajectory=trajectory).exclude(status="rejected").order_by("-document_date", "title")
        )
        superseded = Figure.objects.filter(company=company, supersedes__isnull=False).values("supersedes_id")
        self.fields["supersedes"].queryset = (  # only what the user may see: the label shows the value
            figure_permissions.visible_figures(user).filter(company=company).exclude(pk__in=superseded)
            .select_related("project").order_by("quantity", "project__name", "valid_from", "pk")
        )
        add = reverse("trajectories:detail", args=[trajectory.pk]) + "#document-indienen"
        self.fields["source"].help_text = format_html(
            'Het document van het traject dat het cijfer noemt. Staat het er niet bij? <a class="utrecht-link" href="{}">Voeg het document toe bij het traject</a>.',
            add,
        )

    def clean(self):
        data = super().clean()
        qualifier = data.get("qualifier")
        if qualifier and "low" not in self.errors and "high" not in self.errors:
            for field, message in qualifier_error(qualifier, data.get("low"), data.get("high")).items():
                self.add_error(field if field in self.fields else None, message)
        source = data.get("source")
        if source is not None and data.get("valid_from") is None:
            if source.document_date is None:
                self.add_error("valid_from", "Het brondocument heeft geen datum; geef de dag waarop het cijfer geldt.")
            else:
                data["valid_from"] = source.document_date
        return data

    @classmethod
    def initial_from(cls, old: Figure) -> dict:
        """The form prefilled from ``old`` for a correction (which then supersedes it)."""
        return {
            "quantity": old.quantity, "project": old.project_id, "qualifier": old.qualifier, "low": old.low,
            "high": None if old.qualifier in ("exact", "about") else old.high, "year": old.year, "base_period": old.base_period,
            "source": old.source_id, "valid_from": old.valid_from, "confidentiality": old.confidentiality, "note": old.note,
            "supersedes": old.pk,
        }
