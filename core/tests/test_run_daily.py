from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_runs_each_daily_command_and_goes_on_after_a_failure(settings, monkeypatch):
    ran = []

    def fake(name, **kwargs):
        ran.append(name)
        if name == "broken":
            raise RuntimeError("boom")

    monkeypatch.setattr("core.management.commands.run_daily.call_command", fake)
    settings.DAILY_COMMANDS = ["broken", "fine"]
    err = StringIO()
    with pytest.raises(SystemExit):
        call_command("run_daily", stderr=err)
    assert ran == ["broken", "fine"]
    assert "daily commands failed: broken" in err.getvalue()
