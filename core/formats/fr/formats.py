# French as the Imprimerie nationale's rules write it: "16 h 53", with no-break
# spaces (U+00A0) so that a time never breaks across two lines; "à" before it.
# `\h` is the letter h, not the format character (the hour on 12 hours).
DATE_FORMAT = "j F Y"  # 1 décembre 2026
TIME_FORMAT = "G\u00a0\\h\u00a0i T"  # 16 h 53 CET
DATETIME_FORMAT = "j F Y à G\u00a0\\h\u00a0i T"  # 1 décembre 2026 à 16 h 53 CET
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y G\u00a0\\h\u00a0i T"
FIRST_DAY_OF_WEEK = 1  # lundi
