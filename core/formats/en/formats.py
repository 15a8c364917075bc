# English, written the European way: day first, 24-hour clock, the zone named.
# Input formats as Django's en_GB, with the ISO date too (HTML date inputs send it).
DATE_FORMAT = "j F Y"  # 1 December 2026
TIME_FORMAT = "H:i T"  # 16:53 CET
DATETIME_FORMAT = "j F Y, H:i T"  # 1 December 2026, 16:53 CET
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 01/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i T"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S.%f",
    "%d/%m/%Y %H:%M",
    "%d/%m/%y %H:%M:%S",
    "%d/%m/%y %H:%M:%S.%f",
    "%d/%m/%y %H:%M",
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
