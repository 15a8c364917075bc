from django.urls import path

from requests_app import views

app_name = "requests"
urlpatterns = [
    path("role/", views.role_choice, name="role_choice"),
    path("organisation/<int:organisation_pk>/", views.request_create, name="request_create"),
    path("new-operator/", views.operator_create, name="operator_create"),
    path("new-operator/request/", views.operator_request, name="operator_request"),
    path("to-decide/", views.to_decide, name="to_decide"),
    path("operator/<int:pk>/change/", views.change_propose, name="change_propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/sent/", views.sent, name="sent"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]
