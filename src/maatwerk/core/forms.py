"""Form helpers shared by the apps."""


def error_summary(form) -> str:
    """All errors of a bound form in one line, each with its field's label: "Label: message; …"."""
    return "; ".join(
        f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}" for name, errors in form.errors.items()
    )
