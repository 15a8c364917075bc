"""A URLconf whose pages fail as a page does when the database is away."""

from django.db import InternalError, OperationalError
from django.urls import path


def database_away(request):
    raise OperationalError("connection to server at 127.0.0.1, port 15432 failed")


def garbled(request):
    raise InternalError("received 2 results from command 'COMMIT'")


def broken(request):
    raise ValueError("a bug")


handler500 = "core.views.server_error"
urlpatterns = [
    path("away/", database_away),
    path("garbled/", garbled),
    path("broken/", broken),
]
