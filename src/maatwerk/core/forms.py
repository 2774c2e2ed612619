"""Form helpers shared by the apps."""

import re


def error_summary(form) -> str:
    """All errors of a bound form in one line, each with its field's label: "Label: message; …"."""
    return "; ".join(
        f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    )


_PLAIN_INT = re.compile(r"[0-9]{1,18}")


def plain_int(text: str | None) -> int | None:
    """``text`` as a whole number if it is one written in ASCII digits that fits a database key, else None.

    ``str.isdigit`` is not enough: it accepts '²' (which ``int`` refuses) and numbers of any length
    (which the database refuses with an error instead of "not found").
    """
    if text is None or not _PLAIN_INT.fullmatch(text):
        return None
    return int(text)


# --- Widgets and fields in the Dutch style ----------------------------------------------------------

import math  # noqa: E402

from django import forms  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402


class DateInput(forms.DateInput):
    """``<input type="date">``: the browser shows and sends ISO dates (``2026-12-01``) whatever the
    locale, and shows no value at all when it is given ``01-12-2026``; so the value is always ISO."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's name
        super().__init__(attrs, format="%Y-%m-%d")


# 1.500.000 / 1.500.000,50 / -12.000 ("." groups of exactly three digits)
_GROUPED = re.compile(r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?")
# 1500000 / 1500000,5 / 1,5 (decimal comma)
_COMMA = re.compile(r"[-+]?[0-9]+(?:,[0-9]+)?")
# 1500000.5 / 1.5 / 1e6 (a decimal point, as machines write numbers; never followed by exactly three digits)
_POINT = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_dutch_number(text: str) -> float | None:
    """``text`` read the Dutch way, or None when it is not a number.

    A point followed by exactly three digits groups thousands (``1.500`` is 1500, ``1.500.000,50`` is
    1500000.5); a comma is the decimal sign (``1,5``); a point followed by fewer or more than three
    digits is a decimal point (``1.5``, ``0.08``, ``1500000.0``: how programs write numbers); an
    exponent is allowed in that notation only. Spaces and a leading ``€`` are ignored. ASCII digits
    only: ``float`` would also read '１２３', '1_000', 'inf' and 'nan'."""
    text = _SPACES.sub("", text or "").removeprefix("€")
    if _GROUPED.fullmatch(text):
        return float(text.replace(".", "").replace(",", "."))
    if _COMMA.fullmatch(text):
        return float(text.replace(",", "."))
    if _POINT.fullmatch(text):
        return float(text)
    return None


def format_dutch_number(value, decimals: int | None = None) -> str:
    """``value`` with Dutch separators and no needless decimals: 1500000.0 → '1.500.000', 0.15 → '0,15'."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    number = float(value)
    if not math.isfinite(number):
        return str(value)
    if decimals is not None:
        text = f"{number:.{decimals}f}"
    elif number.is_integer() and abs(number) < 1e16:
        text = str(int(number))
    else:
        text = repr(number)
        if "e" in text or "E" in text:
            text = f"{number:.12f}".rstrip("0").rstrip(".")
    sign = "-" if text.startswith("-") else ""
    whole, _, fraction = text.lstrip("-").partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return sign + grouped + ("," + fraction if fraction else "")


NUMBER_HELP = "Bijv. 1.500.000 of 1.500.000,50."


class DutchDecimalField(forms.FloatField):
    """A number typed the Dutch way (``1.500.000,50``), shown again with thousands separators.

    Still strict: the value must be finite (``Infinity``, ``NaN`` and ``1e400`` are refused) and the
    model's bounds (``finance.bounds``) apply as before."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": "Voer een getal in, bijv. 1.500.000 of 1.500.000,50.",
        "infinite": "Voer een eindig getal in; dit getal is te groot.",
    }

    def __init__(self, *args, **kwargs):
        kwargs.pop("localize", None)
        super().__init__(*args, **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs["inputmode"] = "decimal"
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, (int, float)):
            number = float(value)
        else:
            number = parse_dutch_number(str(value))
            if number is None:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        if not math.isfinite(number):
            raise ValidationError(self.error_messages["infinite"], code="infinite")
        return number

    def validate(self, value):
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        return format_dutch_number(value)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (None if initial in self.empty_values else float(initial))
        except (ValidationError, TypeError, ValueError):
            return True


class DutchPercentField(DutchDecimalField):
    """A fraction (0.08) shown and typed as a percentage (``8`` or ``8%`` or ``8,5 %``).

    ``min_percent``/``max_percent`` bound what may be typed, with a message in percent."""

    default_error_messages = {"invalid": "Voer een percentage in, bijv. 8 of 8,5%."}

    def __init__(self, *args, min_percent: float | None = None, max_percent: float | None = None, max_inclusive: bool = True, **kwargs):
        self.min_percent, self.max_percent, self.max_inclusive = min_percent, max_percent, max_inclusive
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removesuffix("%")
        percent = super().to_python(value)
        if percent is None:
            return None
        too_high = self.max_percent is not None and (percent > self.max_percent or (not self.max_inclusive and percent >= self.max_percent))
        if (self.min_percent is not None and percent < self.min_percent) or too_high:
            raise ValidationError(
                "%(v)s%% ligt buiten %(lo)s%% tot %(hi)s%%.",
                code="bounds",
                params={"v": format_dutch_number(percent), "lo": format_dutch_number(self.min_percent or 0),
                        "hi": format_dutch_number(self.max_percent) if self.max_percent is not None else "…"},
            )
        return percent / 100

    def prepare_value(self, value):
        if value is None or value == "" or isinstance(value, str):
            return value if isinstance(value, str) else ""
        return format_dutch_number(round(float(value) * 100, 10))

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (None if initial in self.empty_values else float(initial))
        except (ValidationError, TypeError, ValueError):
            return True


class DutchIntegerField(forms.IntegerField):
    """A whole number typed with or without thousands separators (``1.500.000``), shown with them.

    Not for years (2030 is never '2.030'): use a plain IntegerField there."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Voer een geheel getal in, bijv. 1.500.000."}

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["inputmode"] = "numeric"
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, int):
            return value
        text = _SPACES.sub("", str(value))
        if re.fullmatch(r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+", text):
            text = text.replace(".", "")
        if not re.fullmatch(r"[-+]?[0-9]{1,18}", text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)

    def prepare_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_dutch_number(value)
        return value


def dutch_number_classes(model, names) -> dict:
    """``Meta.field_classes`` for a model form: every FloatField among ``names`` typed the Dutch way."""
    from django.db import models as m

    return {n: DutchDecimalField for n in names if isinstance(model._meta.get_field(n), m.FloatField)}


def add_optional_management(data, prefix: str, total: int = 0):
    """``data`` with an empty formset's management form added when a client left it out (scripts and
    older clients post the form without the formset): the formset is then empty instead of broken."""
    if data is None or f"{prefix}-TOTAL_FORMS" in data:
        return data
    data = data.copy()
    data[f"{prefix}-TOTAL_FORMS"] = str(total)
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    return data


_WIDGET_CLASSES = {
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "select": "utrecht-select utrecht-select--html-select",
    "nullbooleanselect": "utrecht-select utrecht-select--html-select",
    "selectmultiple": "utrecht-select utrecht-select--html-select",
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "checkboxselectmultiple": "utrecht-checkbox utrecht-checkbox--html-input",
    "radioselect": "radio",  # native radio buttons: the utrecht radio class lays out a single-radio form field
    "clearablefile": "utrecht-textbox utrecht-textbox--html-input",
    "file": "utrecht-textbox utrecht-textbox--html-input",
}


class StyledForm:
    """Mixin for every form: the NL Design System class on each widget (the shared template
    ``core/_form.html`` renders label, help text and error around it) and the invalid modifier on
    the widgets of fields with an error."""

    template_name_div = "core/_form_fields.html"
    #: fields the shared template leaves out (a formset or another widget stands for them)
    not_rendered: tuple[str, ...] = ()
    formsets: list = []
    formset_errors = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.visible_fields():
            widget = bound.field.widget
            css = _WIDGET_CLASSES.get(bound.widget_type, "utrecht-textbox utrecht-textbox--html-input")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        self._mark_invalid()

    def full_clean(self):
        super().full_clean()
        self._mark_invalid()

    def _mark_invalid(self):
        for name in self._errors or {}:
            if name in self.fields and not self.fields[name].widget.is_hidden:
                widget = self.fields[name].widget
                base = widget.attrs.get("class", "").split()
                kind = base[0] if base else "utrecht-textbox"
                if f"{kind}--invalid" not in base:
                    widget.attrs["class"] = " ".join([*base, f"{kind}--invalid"])
