from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/sessions/<int:pk>/end/", views.session_end, name="session_end"),
    path("profile/sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("profile/my-data/", views.data_download, name="data_download"),
    path("profile/delete/", views.account_delete, name="account_delete"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
]
