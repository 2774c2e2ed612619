from django.contrib import admin

from maatwerk.core.locking import VersionedAdmin

from .models import Budget, Consequence, EmissionReport, Milestone, OutlookAssumptions

admin.site.register(Budget)


@admin.register(OutlookAssumptions)
class OutlookAssumptionsAdmin(VersionedAdmin, admin.ModelAdmin):
    pass


@admin.register(Milestone)
class MilestoneAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("project", "kind", "planned", "forecast", "actual")
    list_filter = ("kind",)


@admin.register(EmissionReport)
class EmissionReportAdmin(admin.ModelAdmin):
    list_display = ("project", "year", "emissions_t")


@admin.register(Consequence)
class ConsequenceAdmin(admin.ModelAdmin):
    list_display = ("project", "date", "kind", "amount_eur")
