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
]
