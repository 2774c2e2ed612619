from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry

from .models import Membership, SecondFactorEnrolment, reset_second_factor


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "company", "party")
    list_filter = ("role",)
    autocomplete_fields = ("company",)


@admin.register(SecondFactorEnrolment)
class SecondFactorEnrolmentAdmin(admin.ModelAdmin):
    """Who set up a second factor; the only way to let someone enrol again is the reset action."""

    list_display = ("user", "confirmed_at", "reset_at", "reset_by")
    search_fields = ("user__username",)
    readonly_fields = ("user", "confirmed_at", "reset_at", "reset_by")
    actions = ["reset_second_factor"]

    def has_add_permission(self, request):
        return False  # records are made by enrolling

    @admin.action(description="Tweede factor terugzetten (gebruiker stelt een nieuwe authenticator in)", permissions=["change"])
    def reset_second_factor(self, request, queryset):
        for enrolment in queryset.select_related("user"):
            removed = reset_second_factor(enrolment.user, by=request.user.get_username())
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[enrolment],
                action_flag=CHANGE,
                change_message=f"Tweede factor teruggezet ({removed} apparaat/apparaten verwijderd).",
                single_object=True,
            )
        self.message_user(request, f"Tweede factor van {queryset.count()} gebruiker(s) teruggezet.", messages.SUCCESS)
