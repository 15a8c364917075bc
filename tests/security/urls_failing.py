"""The portal's URLs plus one view that fails: the 500 page is tested with it."""

from django.urls import path

from traces.urls import urlpatterns as portal


def fail(request):
    raise RuntimeError("secret internal detail: DATABASE password=hunter2")


urlpatterns = [*portal, path("fail/", fail)]
