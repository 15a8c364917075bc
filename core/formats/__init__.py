"""Dates and times as a person writes them (FORMAT_MODULE_PATH).

"1 December 2026, 16:53 CET" and "1 décembre 2026 à 16 h 53 CET": day first,
24-hour clock in both languages, and the zone named after every time, so a
time read in an e-mail or by a colleague elsewhere cannot be misread. The
zone is Django's `T`: the abbreviation the IANA database gives for that
instant in the active zone ("CET", "CEST", "UTC", "EST"), or its offset from
UTC ("+04") where no abbreviation is in common use. Pages, e-mails and the
admin all go through these formats; whatever Django's own locale defines and
this does not (decimal separators, say) stays Django's.
"""
