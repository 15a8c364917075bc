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
CORRECTION = "request.correction"
RESUBMITTED = "request.resubmitted"
ESCALATED = "request.escalated"
EXPIRED = "request.expired"
MERGED = "operator.merged"
SUSPENDED = "operator.suspended"
REINSTATED = "operator.reinstated"

SENTENCES = {
    RECEIPT: _("Your request to join %(organisation)s has been received."),
    APPROVED: _("Your request to join %(organisation)s has been approved."),
    REJECTED: _("Your request to join %(organisation)s has been rejected."),
    NEW_REQUEST: _("%(actor)s asks to join %(organisation)s."),
    CHANGE_RECEIPT: _("Your proposed change to %(organisation)s has been received."),
    CHANGE_APPROVED: _("Your proposed change to %(organisation)s has been approved."),
    CHANGE_REJECTED: _("Your proposed change to %(organisation)s has been rejected."),
    NEW_CHANGE: _("%(actor)s proposes a change to %(organisation)s."),
    CORRECTION: _("Your request for %(organisation)s needs a correction: %(reason)s"),
    RESUBMITTED: _("%(actor)s corrected and resubmitted their request for %(organisation)s."),
    ESCALATED: _(
        "The request of %(actor)s to join %(organisation)s is overdue: its administrators "
        "have not decided it, and you may."
    ),
    EXPIRED: _(
        "Your request for %(organisation)s was closed as withdrawn: it was not corrected "
        "within 30 days."
    ),
    MERGED: _("%(duplicate)s was a duplicate: it has been merged into %(organisation)s."),
    SUSPENDED: _("%(organisation)s has been suspended: %(reason)s"),
    REINSTATED: _("%(organisation)s has been reinstated: %(reason)s"),
}
