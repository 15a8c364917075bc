"""Places on the identity app's pages that the apps above fill (core.slots)."""

from core.slots import Slot

# The profile's sections after the person's own details (organisations, requests...).
profile_sections = Slot("accounts.profile_sections")
