"""The in-portal notifications about authorisation requests: their verbs and sentences.

Registered with accounts (accounts.notifications) when the app is ready; the
sentence is translated when shown, `%(actor)s` being the applicant.
"""

from django.utils.translation import gettext_lazy as _

RECEIPT = "request.receipt"
APPROVED = "request.approved"
REJECTED = "request.rejected"
NEW_REQUEST = "request.new"
CHANGE_RECEIPT = "request.change_receipt"
CHANGE_APPROVED = "request.change_approved"
CHANGE_REJECTED = "request.change_rejected"
NEW_CHANGE = "request.change_new"

SENTENCES = {
    RECEIPT: _("Your request to join %(organisation)s has been received."),
    APPROVED: _("Your request to join %(organisation)s has been approved."),
    REJECTED: _("Your request to join %(organisation)s has been rejected."),
    NEW_REQUEST: _("%(actor)s asks to join %(organisation)s."),
    CHANGE_RECEIPT: _("Your proposed change to %(organisation)s has been received."),
    CHANGE_APPROVED: _("Your proposed change to %(organisation)s has been approved."),
    CHANGE_REJECTED: _("Your proposed change to %(organisation)s has been rejected."),
    NEW_CHANGE: _("%(actor)s proposes a change to %(organisation)s."),
}
