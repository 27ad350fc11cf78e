"""Admin pages of the core, for platform administrators (superusers)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiToken, Attachment, DisclosureBudget, Membership, Notification, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class KibanUserAdmin(UserAdmin, SimpleHistoryAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Kiban", {"fields": ("display_name",)}))
    inlines = [MembershipInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "name_en", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "name_en", "short_name"]


admin.site.register(Membership, SimpleHistoryAdmin)
admin.site.register(Notification)
admin.site.register(Attachment, SimpleHistoryAdmin)
admin.site.register(ApiToken, SimpleHistoryAdmin)


@admin.register(DisclosureBudget)
class DisclosureBudgetAdmin(admin.ModelAdmin):
    """Read-only: who has asked how many counting questions lately (deleting a row resets that budget)."""

    list_display = ["caller", "updated_at"]
    search_fields = ["caller"]
    readonly_fields = ["caller", "questions", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return False
