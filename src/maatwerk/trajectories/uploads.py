"""Checks on uploaded documents: size, extension and the file's own signature (never trust the name alone)."""

from __future__ import annotations

from dataclasses import dataclass

MAX_UPLOAD_BYTES = 25 * 1024 * 1024

# extension -> (content type, signature check)
_ZIP = b"PK\x03\x04"
ALLOWED = {
    ".pdf": ("application/pdf", lambda d: d.startswith(b"%PDF-")),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", lambda d: d.startswith(_ZIP)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", lambda d: d.startswith(_ZIP)),
    ".odt": ("application/vnd.oasis.opendocument.text", lambda d: d.startswith(_ZIP)),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", lambda d: d.startswith(_ZIP)),
    ".csv": ("text/csv", lambda d: _is_text(d)),
    ".txt": ("text/plain", lambda d: _is_text(d)),
}


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    data: bytes


def check_upload(name: str, data: bytes) -> CheckedUpload:
    """Refuse empty, too large, unknown or disguised files with a message that says which and why."""
    if not data:
        raise UploadRefused(f"{name}: het bestand is leeg")
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"{name}: het bestand is {len(data) / 1e6:.1f} MB; ten hoogste {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    safe = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    ext = ("." + safe.rsplit(".", 1)[-1].lower()) if "." in safe else ""
    if ext not in ALLOWED:
        raise UploadRefused(f"{name}: bestandstype {ext or '(geen)'} is niet toegestaan; kies uit {', '.join(sorted(ALLOWED))}")
    content_type, looks_right = ALLOWED[ext]
    if not looks_right(data):
        raise UploadRefused(f"{name}: de inhoud past niet bij {ext} (beschadigd of vermomd bestand)")
    return CheckedUpload(safe, content_type, data)
