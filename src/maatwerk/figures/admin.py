from django.contrib import admin

from .models import Figure


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    """Read-only: figures are recorded, proposed and published through ``figures.services`` (append-only,
    four eyes, an event per step), never edited here."""

    list_display = ("pk", "company", "project", "quantity", "qualifier", "low", "high", "valid_from", "state", "confidentiality", "recorded_at")
    list_filter = ("state", "confidentiality", "quantity", "qualifier")
    search_fields = ("company__name", "project__name", "source__title", "note", "case_key")
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
