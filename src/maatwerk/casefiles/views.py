"""The upload page of case files for the programme team: preview of what will be created, then confirm.

Step 1 (POST with a file): the file is read, checked and imported *as a preview* (everything is done
through the services and then rolled back), so the preview shows exactly what confirming will
create, or every error with its JSON path. The checked text is kept in the session under a token
with its digest. Step 2 (POST with the token): the same text is imported for real, by the user
confirming (recorded as the importing user). Nothing is written before step 2, and step 2 writes
everything or nothing.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from maatwerk.accounts.models import Role, role_of

from . import format as case_format
from . import importer
from .forms import ConfirmForm, UploadForm

SESSION_KEY = "casefile_uploads"
REFUSAL = "Alleen het programmateam leest casusbestanden in."


def _programme_only(request):
    if role_of(request.user) != Role.PROGRAMME:
        raise PermissionDenied(REFUSAL)


def _page(request, form, *, status=200, errors=(), reports=(), confirm=None, file_name=""):
    return render(request, "casefiles/upload.html", {
        "form": form, "errors": errors, "reports": reports, "confirm": confirm, "file_name": file_name,
    }, status=status)


@login_required
def upload(request):
    _programme_only(request)
    if request.method != "POST":
        return _page(request, UploadForm())
    if "token" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=422)
    upload = form.cleaned_data["file"]
    data = b"".join(upload.chunks())
    name = upload.name
    try:
        case = case_format.read(data, name)
        reports = importer.import_cases([(name, case)], request.user, preview=True)
    except case_format.CaseFileInvalid as exc:
        form.add_error("file", f"{len(exc.errors)} fout(en) in {name}; er is niets vastgelegd.")
        return _page(request, form, status=422, errors=exc.errors, file_name=name)
    token = secrets.token_urlsafe(16)
    uploads = request.session.get(SESSION_KEY, {})
    uploads = dict(list(uploads.items())[-4:])  # a few pending previews at most
    uploads[token] = {"name": name, "text": data.decode("utf-8-sig"), "sha256": hashlib.sha256(data).hexdigest()}
    request.session[SESSION_KEY] = uploads
    return _page(request, UploadForm(), reports=reports, confirm=ConfirmForm(initial={"token": token}), file_name=name)


def _confirm(request):
    form = ConfirmForm(request.POST)
    uploads = request.session.get(SESSION_KEY, {})
    pending = uploads.get(request.POST.get("token", "")) if form.is_valid() else None
    if pending is None:
        upload_form = UploadForm()
        upload_form.add_error(None, "Dit voorbeeld is verlopen of al bevestigd; kies het bestand opnieuw.")
        return _page(request, upload_form, status=409)
    try:
        case = case_format.read(pending["text"].encode("utf-8"), pending["name"])
        reports = importer.import_cases([(pending["name"], case)], request.user)
    except case_format.CaseFileInvalid as exc:
        upload_form = UploadForm()
        upload_form.add_error(None, f"Niet ingelezen: {len(exc.errors)} fout(en) (is er intussen iets veranderd?); er is niets vastgelegd.")
        return _page(request, upload_form, status=409, errors=exc.errors, file_name=pending["name"])
    uploads.pop(request.POST["token"], None)
    request.session[SESSION_KEY] = uploads
    for report in reports:
        messages.success(request, "Ingelezen: " + report.summary())
    company = reports[0].company if reports else ""
    from maatwerk.trajectories.models import Trajectory

    trajectory = Trajectory.objects.filter(company__name=company).first()
    return redirect(reverse("trajectories:detail", args=[trajectory.pk]) if trajectory else reverse("casefiles:upload"))
