"""Places on the directory's pages that the apps above fill (core.slots)."""

from core.slots import Slot

# Under an organisation's details: what this person may do about it (ask to join...).
# Providers are called with `organisation=`.
organisation_actions = Slot("entities.organisation_actions")
# Under the directory's results; providers are called with `kind=` and `searched=`.
directory_footer = Slot("entities.directory_footer")
