"""Template filters for exact Dutch number formatting."""

from django import template

register = template.Library()


@register.filter
def tonnes(value):
    """Whole tonnes with a Dutch thousands separator; an em dash for a missing figure (never 0)."""
    if value is None or value == "":
        return "—"
    return f"{int(round(float(value))):,}".replace(",", ".")


@register.filter
def kton(value):
    """Tonnes shown as kilotonnes with one decimal (Dutch decimal comma)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) / 1000:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
