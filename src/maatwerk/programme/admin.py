from django.contrib import admin

from maatwerk.core.locking import VersionedAdmin

from .models import Budget, BudgetEntry, Consequence, EmissionReport, Milestone, OutlookAssumptions, PhaseExpectation

admin.site.register(Budget)


@admin.register(OutlookAssumptions)
class OutlookAssumptionsAdmin(VersionedAdmin, admin.ModelAdmin):
    pass


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("project", "kind", "planned", "planned_precision", "forecast", "actual")
    list_filter = ("kind",)


@admin.register(EmissionReport)
class EmissionReportAdmin(admin.ModelAdmin):
    list_display = ("project", "year", "emissions_t")


@admin.register(Consequence)
class ConsequenceAdmin(admin.ModelAdmin):
    list_display = ("project", "date", "kind", "amount_eur")


class RecordsAdmin(admin.ModelAdmin):
    """Append-only records: readable here, written only through the programme's services (web form, import)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BudgetEntry)
class BudgetEntryAdmin(RecordsAdmin):
    list_display = ("project", "stage", "year", "amount_eur", "valid_from", "valid_from_precision", "recorded_at")
    list_filter = ("stage",)


@admin.register(PhaseExpectation)
class PhaseExpectationAdmin(RecordsAdmin):
    list_display = ("trajectory", "phase", "expected", "precision", "stated_on", "recorded_at")
