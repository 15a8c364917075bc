"""Places on the identity app's pages that the apps above fill (core.slots)."""

from core.slots import Hook, Slot

# The profile's sections after the person's own details (organisations, requests...).
profile_sections = Slot("accounts.profile_sections")

# --- Hooks (core.slots.Hook): what the apps above hold about a person -----------------

# Download my data: each provider, called with `user=`, returns a dict of the
# export's top-level keys it owns ({"memberships": [...]}); a value may be an
# iterator, streamed item by item (docs/data-export.md lists every key).
personal_data = Hook("accounts.personal_data")
# Delete my account: each provider, called with `user=`, returns a list of the
# reasons (translated sentences) why the account may not be deleted now.
deletion_blockers = Hook("accounts.deletion_blockers")
# The account is being deleted (inside the transaction, before its names go):
# each provider, called with `user=`, withdraws, leaves or erases its part.
account_deleting = Hook("accounts.account_deleting")
