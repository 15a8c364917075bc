import datetime

import pytest

from requests_app.models import AuthorisationRequest, due_date_for, working_days_after
from requests_app.services import request_submit

PARIS = datetime.timezone(datetime.timedelta(hours=2))  # CEST


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hour:02d}:00:00").replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        ("2026-03-10", "2026-03-12"),  # Tuesday -> Thursday
        ("2026-03-12", "2026-03-16"),  # Thursday -> Monday, over the weekend
        ("2026-03-13", "2026-03-17"),  # Friday -> Tuesday
        ("2026-03-14", "2026-03-17"),  # Saturday -> Tuesday
        ("2026-04-02", "2026-04-07"),  # Thursday before Easter: Easter Monday is a holiday
        ("2026-04-30", "2026-05-05"),  # 1 May (Friday) is a holiday
        ("2026-05-07", "2026-05-12"),  # 8 May (Friday) is a holiday
        ("2026-05-13", "2026-05-18"),  # Ascension Thursday 14 May
        ("2026-12-24", "2026-12-29"),  # Christmas
    ],
)
def test_the_due_date_is_two_working_days_later_in_france(submitted, due):
    assert due_date_for(at(submitted), "FR") == datetime.date.fromisoformat(due)


def test_good_friday_counts_in_france_but_not_in_germany():
    thursday = at("2026-04-02")
    assert due_date_for(thursday, "FR") == datetime.date(2026, 4, 7)  # Friday 3 counts
    assert due_date_for(thursday, "DE") == datetime.date(2026, 4, 8)  # Good Friday and Monday off


def test_a_request_sent_late_in_the_evening_counts_from_that_day_in_brussels():
    late = datetime.datetime(2026, 3, 9, 22, 30, tzinfo=datetime.UTC)  # 23:30 Monday in Paris
    assert due_date_for(late, "FR") == datetime.date(2026, 3, 11)


def test_a_country_the_holidays_package_does_not_know_still_skips_weekends():
    assert working_days_after(datetime.date(2026, 3, 13), 2, "XK") == datetime.date(2026, 3, 17)


def test_a_request_sent_the_thursday_before_easter_is_due_on_tuesday(
    applicant, operator, time_machine
):
    time_machine.move_to(at("2026-04-02", 15), tick=False)
    request = request_submit(applicant=applicant, organisation=operator)
    assert request.due_date == datetime.date(2026, 4, 7)

    time_machine.move_to(at("2026-04-07", 18), tick=False)
    assert not request.is_overdue
    time_machine.move_to(at("2026-04-08", 9), tick=False)
    assert request.is_overdue
    assert list(AuthorisationRequest.objects.overdue()) == [request]


def test_a_decided_request_is_never_overdue(pending_request, validator_inao, time_machine):
    from requests_app.services import request_approve

    request_approve(request=pending_request, decided_by=validator_inao)
    time_machine.move_to(datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC), tick=False)
    pending_request.refresh_from_db()
    assert not pending_request.is_overdue
    assert not AuthorisationRequest.objects.overdue().exists()
