from django.urls import path
from django.views.generic import RedirectView

from entities import views
from entities.models import Kind

app_name = "entities"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="entities:operators"), name="index"),
    path("operators/", views.directory, {"kind": Kind.OPERATOR}, name="operators"),
    path("control-bodies/", views.directory, {"kind": Kind.CONTROL_BODY}, name="control_bodies"),
    path("authorities/", views.directory, {"kind": Kind.AUTHORITY}, name="authorities"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/members/", views.members, name="members"),
    path(
        "organisations/<int:pk>/members/contact/",
        views.contact_administrators,
        name="contact_administrators",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        views.member_change,
        {"change": "remove"},
        name="member_remove",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/make-administrator/",
        views.member_change,
        {"change": "grant"},
        name="member_grant_admin",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove-administrator-rights/",
        views.member_change,
        {"change": "revoke"},
        name="member_revoke_admin",
    ),
    path("organisations/<int:pk>/leave/", views.leave, name="leave"),
    path("organisations/<int:pk>/members/invite/", views.invite, name="invite"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
]
