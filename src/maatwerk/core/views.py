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
