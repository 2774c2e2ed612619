"""Form helpers shared by the apps."""

import re


def error_summary(form) -> str:
    """All errors of a bound form in one line, each with its field's label: "Label: message; …"."""
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}" for name, errors in form.errors.items()
    )


_PLAIN_INT = re.compile(r"[0-9]{1,18}")


def plain_int(text: str | None) -> int | None:
    """``text`` as a whole number if it is one written in ASCII digits that fits a database key, else None.

    ``str.isdigit`` is not enough: it accepts '²' (which ``int`` refuses) and numbers of any length
    (which the database refuses with an error instead of "not found").
    """
    if text is None or not _PLAIN_INT.fullmatch(text):
        return None
    return int(text)
