"""Issue 12 (security), M12: the upload limit holds before the body is read, and files are checked in chunks."""

import io
from wsgiref.util import is_hop_by_hop

import pytest
from django.urls import reverse

from maatwerk.trajectories import services, uploads
from maatwerk.trajectories.models import Document

from ..helpers import trajectory

BOUNDARY = "GRENS"


class LazyBody(io.RawIOBase):
    """A multipart body with a file of ``size`` bytes, generated as it is read (nothing held in memory)."""

    def __init__(self, size: int, csrf: str = ""):
        head = (
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"doc_type\"\r\n\r\nother\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nGroot\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"confidentiality\"\r\n\r\ninternal\r\n"
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"groot.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        ).encode()
        self.parts = [head, None, f"\r\n--{BOUNDARY}--\r\n".encode()]
        self.remaining, self.read_bytes, self.part = size, 0, 0

    @property
    def length(self):
        return len(self.parts[0]) + self.remaining + len(self.parts[2])

    def read(self, n=-1):
        n = 1 << 20 if n is None or n < 0 else n
        out = b""
        while len(out) < n and self.part < 3:
            if self.part == 1:
                take = min(n - len(out), self.remaining)
                out += b"a" * take
                self.remaining -= take
                if not self.remaining:
                    self.part = 2
            else:
                chunk, self.parts[self.part] = self.parts[self.part][: n - len(out)], self.parts[self.part][n - len(out):]
                out += chunk
                if not self.parts[self.part]:
                    self.part += 1
        self.read_bytes += len(out)
        return out

    def readline(self, limit=-1):
        return self.read(limit if limit and limit > 0 else 1)


@pytest.fixture
def reached(monkeypatch):
    calls = []
    real = services.add_document
    monkeypatch.setattr(services, "add_document", lambda *a, **k: calls.append(k) or real(*a, **k))
    return calls


def post_body(client, url, body, content_length, **extra):
    return client.generic(
        "POST", url, b"", content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}", CONTENT_LENGTH=str(content_length), **{"wsgi.input": body}, **extra
    )


def test_m12_content_length_over_the_limit_is_refused_before_reading(users, client, reached, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["programme"])
    anqore = trajectory("AnQore")
    body = LazyBody(400 * 1024 * 1024)
    response = post_body(client, reverse("trajectories:upload", args=[anqore.pk]), body, body.length)
    assert response.status_code == 413
    text = response.content.decode()
    assert "ten hoogste 25 MB" in text and "419,4 MB" in text
    assert body.read_bytes == 0 and not reached
    # a WSGI application may not set hop-by-hop headers (wsgiref answered 500 to "Connection: close"),
    # and the page is the site's own, with its layout and a way back
    assert not [h for h in response.headers if is_hop_by_hop(h)]
    assert "<header" in text and "Terug" in text
    api = post_body(client, f"/api/v1/trajectories/{anqore.pk}/transitions", LazyBody(10), 400 * 1024 * 1024)
    assert api.status_code == 413 and "ten hoogste 25 MB" in api.json()["detail"]


def test_m12_body_longer_than_the_limit_stops_at_the_limit(users, client, reached, settings, tmp_path, monkeypatch):
    """As for a request without a (truthful) Content-Length: the upload handler stops at the limit."""
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(uploads, "MAX_REQUEST_BYTES", 10**12)  # let the body past the Content-Length check
    client.force_login(users["programme"])
    anqore = trajectory("AnQore")
    count = Document.objects.count()
    body = LazyBody(60 * 1024 * 1024)
    response = post_body(client, reverse("trajectories:upload", args=[anqore.pk]), body, body.length)
    assert response.status_code == 413 and "ten hoogste 25 MB" in response.content.decode()
    assert body.read_bytes < uploads.MAX_UPLOAD_BYTES + 2 * 1024 * 1024  # stopped near the limit, not read to the end
    assert not reached and Document.objects.count() == count


def test_m12_upload_settings_stream_files_to_disk(settings):
    assert settings.FILE_UPLOAD_HANDLERS[0] == "maatwerk.trajectories.uploads.LimitedUploadHandler"
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 2.5 * 1024 * 1024
    middleware = settings.MIDDLEWARE
    assert middleware.index("maatwerk.trajectories.uploads.RequestSizeLimitMiddleware") < middleware.index("django.middleware.csrf.CsrfViewMiddleware")


class CountingStream:
    """A file-like of unknown size that counts what is read and refuses a read of everything at once."""

    def __init__(self, size, head=b"%PDF-1.4\n"):
        self.size, self.pos, self.head, self.read_bytes = None, 0, head, 0
        self.total = size

    def read(self, n=-1):
        assert n is not None and n > 0, "the upload must be read in chunks"
        take = max(0, min(n, self.total - self.pos))
        out = (self.head + b"a" * take)[self.pos: self.pos + take] if self.pos < len(self.head) else b"a" * take
        self.pos += take
        self.read_bytes += take
        return out

    def seek(self, pos):
        self.pos = pos


def test_m12_check_upload_reads_in_chunks_and_stops_at_the_limit():
    stream = CountingStream(200 * 1024 * 1024)
    with pytest.raises(uploads.UploadRefused, match="ten hoogste 25 MB"):
        uploads.check_upload("groot.pdf", stream)
    assert stream.read_bytes <= uploads.MAX_UPLOAD_BYTES + uploads.CHUNK
    small = CountingStream(1000)
    checked = uploads.check_upload("klein.pdf", small)
    assert checked.size == 1000 and checked.content_type == "application/pdf"
