"""`manage.py task_worker`: django-tasks-db's worker, started again after the database went away."""

import pytest
from django.core.management import call_command
from django.db import InternalError, OperationalError


def test_the_worker_starts_again_after_the_database_went_away(monkeypatch):
    runs = []

    def db_worker(name, **options):
        assert name == "db_worker"
        runs.append(options)
        if len(runs) == 1:
            raise OperationalError("terminating connection due to administrator command")
        if len(runs) == 2:
            raise InternalError("received 2 results from command 'BEGIN'")

    monkeypatch.setattr("core.management.commands.task_worker.call_command", db_worker)
    monkeypatch.setattr("core.management.commands.task_worker.time.sleep", lambda s: None)
    call_command("task_worker", "--interval", "0.5")
    assert len(runs) == 3
    assert runs[-1]["interval"] == 0.5


def test_any_other_error_stops_it(monkeypatch):
    def db_worker(name, **options):
        raise ValueError("a bug")

    monkeypatch.setattr("core.management.commands.task_worker.call_command", db_worker)
    with pytest.raises(ValueError):
        call_command("task_worker")
