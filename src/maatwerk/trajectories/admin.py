from django.contrib import admin

from .models import AmviAdvice, AmviItem, Contact, Document, Event, ParliamentNotice, Party, Trajectory


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "company")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [ContactInline]


class EventInline(admin.TabularInline):
    model = Event
    fields = ("effective_date", "not_after", "kind", "to_phase", "note", "actor_name", "recorded_at", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # events are added through the trajectory service only


@admin.register(Trajectory)
class TrajectoryAdmin(admin.ModelAdmin):
    list_display = ("company", "phase", "phase_since", "top20")
    list_filter = ("phase",)
    search_fields = ("company__name",)
    readonly_fields = ("phase", "phase_since", "version", "top20", "climate_plan_target_year", "willing_to_invest_in_nl", "financial_securities")
    filter_horizontal = ("parties",)
    inlines = [EventInline]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("trajectory", "kind", "to_phase", "effective_date", "not_after", "actor_name", "recorded_at")
    list_filter = ("kind", "to_phase")
    search_fields = ("trajectory__company__name", "note", "source")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_filter = ("doc_type", "confidentiality", "status", "published")
    search_fields = ("title", "trajectory__company__name")
    list_display = ("title", "trajectory", "doc_type", "confidentiality", "status", "published", "document_date")
    # Type, confidentiality, review and publication change only through the trajectory service (the
    # review action on the trajectory page, an append-only event), never by editing the row here;
    # documents are added through the upload form, which checks the file.
    readonly_fields = (
        "trajectory", "doc_type", "confidentiality", "published", "published_on", "status", "originator", "proposed_public",
        "review_reason", "file", "sha256", "size", "content_type", "uploaded_by", "uploaded_at",
    )

    def has_add_permission(self, request):
        return False


class AmviItemInline(admin.TabularInline):
    model = AmviItem
    extra = 0


@admin.register(AmviAdvice)
class AmviAdviceAdmin(admin.ModelAdmin):
    list_display = ("trajectory", "concept_submitted_on", "advice_date", "feasibility", "cost_effectiveness", "ambition")
    inlines = [AmviItemInline]


@admin.register(ParliamentNotice)
class ParliamentNoticeAdmin(admin.ModelAdmin):
    list_display = ("trajectory", "informed_on", "not_after", "kamerstuk", "subject_phase")
