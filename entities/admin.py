"""One admin page per kind of organisation (proxies over the one table).

Control bodies and authorities are reference data that administrators edit
here; operators are created by applicants and decided through requests.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from entities.models import Authority, ControlBody, Kind, Membership, Operator

AUDIT_FIELDS = ("created_by", "created_at", "updated_at")


class OrganisationAdmin(admin.ModelAdmin):
    kind: str
    list_select_related = ("control_body",)
    readonly_fields = AUDIT_FIELDS
    list_per_page = 50
    show_full_result_count = False  # an exact count of a million operators is slow

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")

    def save_model(self, request, obj, form, change):
        obj.kind = self.kind
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Operator)
class OperatorAdmin(OrganisationAdmin):
    kind = Kind.OPERATOR
    list_display = (
        "name",
        "eori",
        "country",
        "city",
        "is_importer",
        "is_first_consignee",
        "control_body",
        "status",
    )
    list_filter = ("status", "is_importer", "is_first_consignee", "country")
    search_fields = ("name", "=eori", "city")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "status",
                    "eori",
                    "is_importer",
                    "is_first_consignee",
                    "control_body",
                )
            },
        ),
        (_("Contact"), {"fields": ("country", "city", "address", "postcode", "phone", "email")}),
        (_("Audit"), {"fields": AUDIT_FIELDS}),
    )


@admin.register(ControlBody)
class ControlBodyAdmin(OrganisationAdmin):
    kind = Kind.CONTROL_BODY
    list_display = ("code", "name", "country", "control_body_kind", "status")
    list_filter = ("status", "control_body_kind", "country")
    search_fields = ("name", "code")
    ordering = ("code",)
    fieldsets = (
        (None, {"fields": ("code", "name", "control_body_kind", "status")}),
        (_("Contact"), {"fields": ("country", "city", "address", "postcode", "phone", "email")}),
        (_("Audit"), {"fields": AUDIT_FIELDS}),
    )


@admin.register(Authority)
class AuthorityAdmin(OrganisationAdmin):
    kind = Kind.AUTHORITY
    list_display = ("name", "short_name", "code", "country", "authority_kind", "status")
    list_filter = ("status", "authority_kind", "country")
    search_fields = ("name", "short_name", "code")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "code", "authority_kind", "status")}),
        (_("Contact"), {"fields": ("country", "city", "address", "postcode", "phone", "email")}),
        (_("Audit"), {"fields": AUDIT_FIELDS}),
    )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "is_admin", "created_at")
    list_filter = ("is_admin",)
    list_select_related = ("user", "organisation")
    search_fields = ("user__email", "organisation__name", "=organisation__eori")
    raw_id_fields = ("user", "organisation")
    readonly_fields = ("created_at",)
