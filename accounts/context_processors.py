from django.conf import settings


def portal(request):
    return {"SITE_NAME": settings.SITE_NAME, "HELPDESK_EMAILS": settings.HELPDESK_EMAILS}
