"""Checks on uploaded documents: size, extension and the file's own signature (never trust the name alone).

The size limit holds before anything is read: :class:`RequestSizeLimitMiddleware` refuses a request
whose Content-Length exceeds it with 413, :class:`LimitedUploadHandler` stops a body without a
(truthful) Content-Length at the limit, files stream to disk (settings FILE_UPLOAD_MAX_MEMORY_SIZE),
and :func:`check_upload` reads an uploaded file in chunks, never whole into memory.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
from dataclasses import dataclass

from django.core.files import File
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# A request may carry one document plus its form fields and the multipart framing.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024
CHUNK = 64 * 1024

# extension -> (content type, signature check on the first bytes, whether the whole file must be UTF-8 text)
_ZIP = b"PK\x03\x04"
ALLOWED = {
    ".pdf": ("application/pdf", lambda head: head.startswith(b"%PDF-"), False),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", lambda head: head.startswith(_ZIP), False),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", lambda head: head.startswith(_ZIP), False),
    ".odt": ("application/vnd.oasis.opendocument.text", lambda head: head.startswith(_ZIP), False),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", lambda head: head.startswith(_ZIP), False),
    ".csv": ("text/csv", lambda head: True, True),
    ".txt": ("text/plain", lambda head: True, True),
}


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str
    file: File  # positioned at the start, ready to be saved to storage


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB".replace(".", ",")  # Dutch decimal comma


def check_upload(name: str, data) -> CheckedUpload:
    """Refuse empty, too large, unknown or disguised files with a message that says which and why.

    ``data``: bytes, or a file-like object (an UploadedFile, streamed to disk for a large one); it is
    read in chunks of 64 KiB and never further than the limit."""
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    declared = len(data) if isinstance(data, (bytes, bytearray)) else getattr(stream, "size", None)
    limit_mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    if declared is not None and declared > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{name}: het bestand is {_megabytes(declared)}; ten hoogste {limit_mb} MB")
    safe = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    ext = ("." + safe.rsplit(".", 1)[-1].lower()) if "." in safe else ""
    if ext not in ALLOWED:
        raise UploadRefused(f"{name}: bestandstype {ext or '(geen)'} is niet toegestaan; kies uit {', '.join(sorted(ALLOWED))}")
    content_type, head_looks_right, must_be_text = ALLOWED[ext]
    if hasattr(stream, "seek"):
        stream.seek(0)
    digest, size, head = hashlib.sha256(), 0, b""
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise UploadRefused(f"{name}: het bestand is groter dan {limit_mb} MB; ten hoogste {limit_mb} MB")
        if len(head) < 16:
            head += chunk[:16]
        digest.update(chunk)
        if must_be_text:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                raise UploadRefused(f"{name}: de inhoud past niet bij {ext} (geen UTF-8-tekst)") from None
            if b"\x00" in chunk:
                raise UploadRefused(f"{name}: de inhoud past niet bij {ext} (bevat een NUL-teken)")
    if size == 0:
        raise UploadRefused(f"{name}: het bestand is leeg")
    if must_be_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise UploadRefused(f"{name}: de inhoud past niet bij {ext} (geen UTF-8-tekst)") from None
    if not head_looks_right(head):
        raise UploadRefused(f"{name}: de inhoud past niet bij {ext} (beschadigd of vermomd bestand)")
    stream.seek(0)
    return CheckedUpload(safe, content_type, size, digest.hexdigest(), File(stream, name=safe))


# --- the request before it is read -----------------------------------------------------------------


def _too_large_message(size: int | None) -> str:
    what = f"Het verzoek is {_megabytes(size)}" if size else "Het verzoek is te groot"
    return f"{what}; een document mag ten hoogste {MAX_UPLOAD_BYTES // (1024 * 1024)} MB zijn. Er is niets opgeslagen."


def too_large_response(request, size: int | None = None) -> HttpResponse:
    """413 with a Dutch explanation: JSON for the API, a plain page otherwise."""
    message = _too_large_message(size)
    wants_json = request.path.startswith("/api/") or "application/json" in request.META.get("HTTP_ACCEPT", "")
    if wants_json:
        response = HttpResponse(json.dumps({"detail": message}), status=413, content_type="application/json")
    else:
        referer = request.META.get("HTTP_REFERER", "")
        back = referer if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}) else "/"
        page = render_to_string("core/too_large.html", {"message": message, "back": back}, request=request)
        response = HttpResponse(page, status=413, content_type="text/html; charset=utf-8")
    # no "Connection: close": hop-by-hop headers are the server's, never the application's (PEP 3333);
    # a length, so that the client can read the answer while the rest of its body is never read
    response["Content-Length"] = str(len(response.content))
    return response


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: stops reading files at the limit, also when the request did not
    say its length (chunked transfer under ASGI); the middleware then answers 413."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file


def _content_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) or None
    except ValueError:
        return None


class RequestSizeLimitMiddleware:
    """Refuse a request body over MAX_REQUEST_BYTES with 413 before anything reads it.

    Placed before every middleware that reads the body (CSRF reads request.POST). A multipart body is
    parsed here, through the upload handlers, so that a body cut off by LimitedUploadHandler is answered
    413 as well instead of reaching a view with its file missing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _content_length(request)
        if length is not None and length > MAX_REQUEST_BYTES:
            return too_large_response(request, length)
        if request.method in ("POST", "PUT", "PATCH") and request.content_type == "multipart/form-data":
            request.FILES  # noqa: B018 - parse now, through the limiting handler (a malformed body: Django's 400)
            if getattr(request, "upload_too_large", False):
                return too_large_response(request)
        return self.get_response(request)
