"""The site's shell: the main menu of the user in the template context (see core.navigation)."""

from django import template

from ..navigation import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Menu entries for the user in ``context``; without a request (an error page rendered without one)
    only the public entries, and without touching the database."""
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else None
    return menu(user, getattr(request, "path", ""))
