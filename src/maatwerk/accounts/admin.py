from django.contrib import admin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "company", "party")
    list_filter = ("role",)
    autocomplete_fields = ("company",)
