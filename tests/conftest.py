"""Shared test helpers: where the real EU ETS data lives, and skipping cleanly when it is absent."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MAATWERK_SHARED_DIR", REPO.parent / "shared"))
EUTL_DIR = SHARED / "data" / "eutl"


def eutl_file(country: str) -> Path:
    path = EUTL_DIR / f"installations-{country}.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found: the real EU ETS data in ../shared/data/eutl is absent")
    return path


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; the production hasher is slow by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
