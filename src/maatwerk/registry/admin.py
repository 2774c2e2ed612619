from django.contrib import admin

from .models import Company, EmissionRecord, ImportRun, Installation, NeaEmission, NeaPermit, Operator


class OperatorInline(admin.TabularInline):
    model = Operator
    fields = ("name", "country", "registration_no")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "subsector", "in_programme", "provinces")
    list_filter = ("sector", "in_programme")
    search_fields = ("name", "subsector", "sites")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [OperatorInline]


@admin.register(Operator)
class OperatorAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "company", "registration_no")
    list_filter = ("country", "company__sector")
    list_editable = ("company",)
    search_fields = ("name", "registration_no")
    autocomplete_fields = ("company",)


class RecordInline(admin.TabularInline):
    model = EmissionRecord
    fields = ("year", "verified_emissions_t", "free_allocation_t", "compliance_code", "source")
    extra = 0


@admin.register(Installation)
class InstallationAdmin(admin.ModelAdmin):
    list_display = ("eutl_id", "name", "operator", "company", "activity_code", "city")
    list_filter = ("country", "activity_code")
    search_fields = ("eutl_id", "name", "operator__name", "city", "permit_id")
    autocomplete_fields = ("operator", "company")
    readonly_fields = ("import_run",)
    inlines = [RecordInline]


@admin.register(EmissionRecord)
class EmissionRecordAdmin(admin.ModelAdmin):
    list_display = ("installation", "year", "verified_emissions_t", "free_allocation_t", "compliance_code")
    list_filter = ("year",)
    search_fields = ("installation__eutl_id", "installation__name")
    autocomplete_fields = ("installation",)
    readonly_fields = ("import_run",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "kind", "file_name", "user", "sha256")
    list_filter = ("kind",)
    readonly_fields = ("kind", "file_name", "sha256", "user", "started_at", "finished_at", "counts")

    def has_add_permission(self, request):
        return False


class NeaEmissionInline(admin.TabularInline):
    model = NeaEmission
    fields = ("year", "emissions_t", "import_run")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(NeaPermit)
class NeaPermitAdmin(admin.ModelAdmin):
    """The NEa's publication as imported: read-only (a correction is a new import, with its provenance)."""

    list_display = ("permit_id", "installation_name", "operator_name", "city", "import_run")
    search_fields = ("permit_id", "installation_name", "operator_name")
    readonly_fields = ("permit_id", "installation_name", "operator_name", "city", "sheet", "row", "import_run")
    inlines = [NeaEmissionInline]

    def has_add_permission(self, request):
        return False
