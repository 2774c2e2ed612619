from django.contrib import admin

from maatwerk.core.locking import VersionedAdmin

from .models import BusinessCase, DispensationRightsEntry, PriceDeck, PricePoint, Project


class PricePointInline(admin.TabularInline):
    model = PricePoint
    extra = 0


@admin.register(PriceDeck)
class PriceDeckAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "illustrative", "imported_at", "imported_by")
    list_filter = ("illustrative",)
    readonly_fields = ("file_name", "sha256", "imported_by", "imported_at")
    inlines = [PricePointInline]


@admin.register(Project)
class ProjectAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("name", "trajectory", "target_year", "co2_reduction_t", "support_max_eur", "levy_regime")
    list_filter = ("levy_regime", "target_year")
    search_fields = ("name", "trajectory__company__name")


@admin.register(BusinessCase)
class BusinessCaseAdmin(VersionedAdmin, admin.ModelAdmin):
    list_display = ("project", "start_year", "lifetime_years", "illustrative", "updated_at")
    search_fields = ("project__name", "project__trajectory__company__name")


@admin.register(DispensationRightsEntry)
class DispensationRightsEntryAdmin(admin.ModelAdmin):
    list_display = ("installation", "year", "regime", "rights_t", "source", "recorded_by", "recorded_at")
    list_filter = ("year", "regime")
    search_fields = ("installation__eutl_id", "installation__name", "source")
    readonly_fields = ("recorded_by", "recorded_at")
    raw_id_fields = ("installation",)

    def save_model(self, request, obj, form, change):
        obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
