import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command

from entities.models import Organisation
from requests_app.models import Validator

User = get_user_model()


def test_create_validator_makes_a_staff_user_bound_to_the_authority(inao, monkeypatch):
    monkeypatch.setenv("VALIDATOR_PASSWORD", "a long validator passphrase")
    call_command("create_validator", "Val@INAO.example", "--authority", "inao")

    user = User.objects.get(email="val@inao.example")
    assert user.is_staff and not user.is_superuser
    assert Validator.objects.get(user=user).authority == inao
    assert list(user.groups.values_list("name", flat=True)) == ["Validators"]
    assert user.has_perm("requests_app.decide_authorisationrequest")
    assert user.has_perm("requests_app.view_authorisationrequest")
    assert not user.has_perm("requests_app.change_authorisationrequest")
    assert not user.has_perm("entities.change_organisation")
    assert authenticate(email="val@inao.example", password="a long validator passphrase")


def test_create_validator_is_idempotent(inao, monkeypatch):
    monkeypatch.setenv("VALIDATOR_PASSWORD", "a long validator passphrase")
    call_command("create_validator", "val@inao.example", "--authority", inao.code)
    call_command("create_validator", "val@inao.example", "--authority", inao.code)
    assert Validator.objects.count() == 1


def test_create_validator_refuses_an_unknown_authority(db, monkeypatch):
    monkeypatch.setenv("VALIDATOR_PASSWORD", "a long validator passphrase")
    with pytest.raises(CommandError, match="No authority is called Nowhere"):
        call_command("create_validator", "x@example.eu", "--authority", "Nowhere")
    assert not User.objects.exists()


def test_create_validator_refuses_a_weak_password(inao, monkeypatch):
    monkeypatch.setenv("VALIDATOR_PASSWORD", "short")
    with pytest.raises(CommandError):
        call_command("create_validator", "x@example.eu", "--authority", "INAO")
    assert not User.objects.exists()


def test_bootstrap_demo_loads_everything_once_and_prints_how_to_log_in(db, capsys, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("bootstrap_demo", "--operators", "5")
    out = capsys.readouterr().out
    assert "/admin/" in out
    assert "validator@inao.example" in out
    assert "demo-password-traces" in out
    operators = Organisation.objects.operators().count()
    assert operators >= 5
    validator = User.objects.get(email="validator@inao.example")
    assert validator.validator.authority.short_name == "INAO"
    assert authenticate(email="validator@inao.example", password="demo-password-traces")
    assert User.objects.get(email="admin@traces.example").is_superuser

    call_command("bootstrap_demo", "--operators", "5")
    assert Organisation.objects.operators().count() == operators  # not seeded twice
    assert User.objects.filter(email="validator@inao.example").count() == 1
