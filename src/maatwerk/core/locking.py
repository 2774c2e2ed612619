"""Optimistic locking for edits.

Every editable record carries a ``version``. An edit names the version it was based on; the write is
one conditional ``UPDATE ... WHERE pk = %s AND version = %s`` that also raises the version, so two
people who opened the same version cannot both save: the second one's write matches no row and is
refused with :class:`StaleEdit`, which carries the record as it is now. Nothing is written then; the
edit page shows the refused input beside the current values so nothing typed is lost either.
"""

from __future__ import annotations

from django import forms
from django.db import models, transaction
from django.utils import timezone


class StaleEdit(Exception):
    """The record was changed by someone else since the edit began; nothing was saved.

    The one such exception of the project (forms, API, the trajectory services): ``current`` is the
    record as stored now, ``expected`` the version the edit was based on."""

    def __init__(self, instance, expected: int | None, label: str = "", message: str = ""):
        self.current = instance
        self.expected = expected
        name = label or str(instance)
        super().__init__(
            message
            or f"{name} is intussen door iemand anders gewijzigd (nu versie {instance.version}, u bewerkte versie {expected}). "
            "Uw wijziging is niet opgeslagen; vergelijk uw invoer met de huidige waarden en sla opnieuw op."
        )


def save_versioned(instance: models.Model, expected: int, fields: list[str]) -> models.Model:
    """Write ``fields`` of ``instance`` if its stored version is still ``expected``; raise the version.

    Raises :class:`StaleEdit` (and writes nothing) when the stored version differs."""
    model = type(instance)
    values = {f: getattr(instance, f) for f in fields}
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            values[field.name] = timezone.now()
    with transaction.atomic():
        updated = model._default_manager.filter(pk=instance.pk, version=expected).update(version=expected + 1, **values)
        if updated != 1:
            current = model._default_manager.get(pk=instance.pk)
            raise StaleEdit(current, expected)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.version = expected + 1
    return instance


class VersionedModelForm(forms.ModelForm):
    """A model form with a hidden ``version``; ``save()`` refuses a stale edit with :class:`StaleEdit`.

    After a refusal, :meth:`conflicts` lists each field where the stored value now differs from the
    value the user submitted, and :meth:`rebase` lets the user save again on top of the new version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    #: model fields the view sets on ``instance`` besides the form's own (e.g. ``updated_by``)
    also_save: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    def save(self, commit: bool = True):
        instance = super().save(commit=False)
        if instance.pk is None or instance._state.adding:
            instance.version = 0
            if commit:
                instance.save()
            return instance
        if commit:
            concrete = {x.name for x in type(instance)._meta.concrete_fields}
            fields = [f for f in (*self._meta.fields, *self.also_save) if f in concrete]
            save_versioned(instance, self.cleaned_data["version"], fields)
        return instance

    def conflicts(self, current) -> list[dict]:
        """Fields where the current record differs from what this form submitted."""
        rows = []
        for name in self._meta.fields:
            if name not in self.fields or name not in self.cleaned_data:
                continue
            mine, theirs = self.cleaned_data[name], getattr(current, name)
            if mine != theirs:
                rows.append({"label": self.fields[name].label, "mine": mine, "theirs": theirs})
        return rows

    def rebase(self, current) -> None:
        """Keep the user's input but base it on the current version (a conscious second save)."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(current.version)
        self.data = data


class VersionedAdminForm(forms.ModelForm):
    """For the admin: the same refusal of a stale edit, as a form error.

    The admin saves inside one transaction; ``clean`` locks the row (SELECT ... FOR UPDATE) while it
    compares versions, so no other edit can slip in between the check and the write."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:
            model = type(self.instance)
            stored = model._default_manager.select_for_update().get(pk=self.instance.pk)
            if data.get("version") != stored.version:
                raise forms.ValidationError(str(StaleEdit(stored, data.get("version"))), code="stale")
        return data


class VersionedAdmin:
    """Mixin for a ModelAdmin of a model with ``version``."""

    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        obj.version = (form.cleaned_data.get("version") or 0) + 1 if change else 0
        super().save_model(request, obj, form, change)


class VersionedModel:
    """Mixin for a model with ``version``: every ``save()`` of an existing row raises the version.

    :func:`save_versioned` raises it for the edit forms and the API; this covers every other write
    that goes through ``save()`` (imports, ``update_or_create``, the admin, demo loaders, services),
    so an edit opened before such a write is refused as stale instead of silently overwriting it.
    The increment is done by the database (``version = version + 1``), so two such writes at the same
    moment both count. ``QuerySet.update`` bypasses ``save()``: it must raise ``version`` itself.
    A restore writes rows raw (``save_base``) and keeps their versions."""

    def save(self, *args, **kwargs):
        if self.pk is None or self._state.adding:
            return super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version"}
        before, self.version = self.version, models.F("version") + 1
        try:
            result = super().save(*args, **kwargs)
        except BaseException:
            self.version = before
            raise
        self.version = type(self)._default_manager.filter(pk=self.pk).values_list("version", flat=True).first()
        return result
