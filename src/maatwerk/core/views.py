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
