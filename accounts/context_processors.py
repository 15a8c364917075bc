from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts.models import Notification


def portal(request):
    """What every page's frame shows: the site's name, the helpdesk, the unread notices.

    The unread count is read only when a page shows it (a logged-in person's header),
    with one COUNT on the (user, read_at) index.
    """
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.filter(user=user, read_at__isnull=True).count()

    return {
        "SITE_NAME": settings.SITE_NAME,
        "HELPDESK_EMAILS": settings.HELPDESK_EMAILS,
        "link_minutes": settings.EMAIL_CHANGE_LINK_MINUTES,
        "unread_notifications": SimpleLazyObject(unread),
    }
