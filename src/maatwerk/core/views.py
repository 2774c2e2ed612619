"""Shared view helpers."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from .forms import error_summary
from .locking import StaleEdit


def edit_page(request, form, *, title: str, back_url: str, back_label: str, saved: str, intro: str = ""):
    """GET shows ``form``; POST saves it (one transaction) and returns to ``back_url``.

    An invalid form is shown again with its errors (nothing written). A stale edit (optimistic
    locking) is refused with 409: the page shows the user's input beside the values saved meanwhile,
    keeps the input in the form and bases it on the new version, so a second save is a conscious one."""
    context = {"form": form, "title": title, "back_url": back_url, "back_label": back_label, "intro": intro}
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    form.save()
            except StaleEdit as exc:
                context |= {"stale": str(exc), "conflicts": form.conflicts(exc.current)}
                form.rebase(exc.current)
                return render(request, "core/edit.html", context, status=409)
            messages.success(request, saved)
            return redirect(back_url)
        context["error_summary"] = error_summary(form)
        return render(request, "core/edit.html", context, status=422)
    return render(request, "core/edit.html", context)


class Refused(Exception):
    """Raised by the ``save`` of :func:`handle_post`: the write is refused; the page is shown again
    with the user's input and these messages on ``field`` (None: on the form as a whole)."""

    def __init__(self, messages_, status: int = 409, field: str | None = None):
        self.messages = [messages_] if isinstance(messages_, str) else list(messages_)
        self.status, self.field = status, field
        super().__init__("; ".join(self.messages))


def handle_post(request, form, *, save, page, success_url, invalid_status: int = 422):
    """The one POST pattern of the forms on a detail page: nothing a user typed is lost.

    A valid form is written by ``save(form)`` (in one transaction), which returns the success message
    (or raises :class:`Refused`); then Post/Redirect/Get to ``success_url``. An invalid or refused form
    is not redirected: ``page(form, status)`` renders the page again with the bound form, so every
    value typed is still in its field (a file must be chosen again: browsers do not keep it) and each
    error stands next to its field and in the form's summary. Status 422 for invalid input, the
    refusal's own status (409 for a rule or a stale version) otherwise."""
    if form.is_valid():
        try:
            with transaction.atomic():
                saved = save(form)
        except Refused as exc:
            for message in exc.messages:
                form.add_error(exc.field, message)
            return page(form, exc.status)
        if saved:
            messages.success(request, saved)
        return redirect(success_url)
    return page(form, invalid_status)


# --- the shell: landing page per role, error pages, footer pages (issue 15) ---------------------------------

PERMISSION_DENIED = "U hebt geen toegang tot deze pagina met uw rol."


def start(request):
    """After logging in: each role's own starting page (see ``navigation.landing_url``)."""
    from .navigation import landing_url

    return redirect(landing_url(request.user))


def _safe_back(request) -> str | None:
    """The previous page (Referer) when it is a page of this site other than the current one; else None."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(referer)
    if parts.path == request.path:
        return None
    return referer


def _error_page(request, template, status, **context):
    from .navigation import landing_url

    user = getattr(request, "user", None)
    context |= {"back_url": _safe_back(request), "start_url": landing_url(user) if user is not None else "/"}
    return render(request, template, context, status=status)


def permission_denied(request, exception=None):
    """403 in the layout with the view's own (Dutch) reason, or a general Dutch one."""
    message = str(exception) if exception is not None and str(exception) else PERMISSION_DENIED
    return _error_page(request, "403.html", 403, message=message)


def page_not_found(request, exception=None):
    """404 in the layout. The exception's text is not shown: Django's own texts are English and technical."""
    return _error_page(request, "404.html", 404, request_path=request.path)


def server_error(request):
    """500 without the database: the template uses no request context (the menu shows public entries)."""
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))


def csrf_failure(request, reason=""):
    """A refused form (expired or missing security token) in the layout, in Dutch."""
    return _error_page(request, "403_csrf.html", 403, reason=reason)


def _page(template):
    def view(request):
        return render(request, template)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


about = _page("core/pages/about.html")
privacy = _page("core/pages/privacy.html")
cookies = _page("core/pages/cookies.html")
accessibility = _page("core/pages/accessibility.html")


def contact(request):
    from django.conf import settings

    return render(request, "core/pages/contact.html", {"contact_email": getattr(settings, "MAATWERK_CONTACT_EMAIL", "")})
