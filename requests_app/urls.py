from django.urls import path

from requests_app import views

app_name = "requests"
urlpatterns = [
    path("new-operator/", views.operator_request, name="operator_request"),
]
