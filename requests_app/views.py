from django.http import Http404


def operator_request(request):
    """Placeholder until the requests app lands: see entities.views.operator_create."""
    raise Http404
