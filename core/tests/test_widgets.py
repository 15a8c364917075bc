"""CachedOptionsSelect: long fixed lists rendered once per language, as Django would."""

import pytest
from django import forms
from django.test.html import parse_html
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from core.widgets import CachedOptionsSelect

CHOICES = [("", "Any <country>"), ("FR", "France & co"), ("DE", "Germany"), ("FR", "again")]


@pytest.mark.parametrize("value", ["FR", "DE", "", None, "ZZ", ["DE"], 1])
@pytest.mark.parametrize(
    "attrs",
    [None, {"id": "id_c", "required": True, "disabled": False, "aria-describedby": "a b"}],
)
def test_it_writes_the_same_html_as_djangos_select(value, attrs):
    django_select = forms.Select(choices=CHOICES, attrs={"class": "wide"})
    cached = CachedOptionsSelect(choices=CHOICES, attrs={"class": "wide"}, key="test.same_html")
    # The same HTML; attributes may come in another order.
    assert parse_html(cached.render("country", value, attrs)) == parse_html(
        django_select.render("country", value, attrs)
    )


@pytest.mark.parametrize(
    "choices", [CHOICES, CHOICES[1:], lambda: CHOICES, [(None, "none"), ("x", "x")]]
)
def test_it_asks_for_required_when_django_would(choices):
    key = f"test.required.{id(choices)}"
    for initial in (None, "FR"):
        assert CachedOptionsSelect(choices=choices, key=key).use_required_attribute(
            initial
        ) == forms.Select(choices=choices).use_required_attribute(initial)


def test_only_the_first_option_holding_the_value_is_selected():
    html = CachedOptionsSelect(choices=CHOICES, key="test.first").render("c", "FR")
    assert html.count(" selected") == 1
    assert '<option value="FR" selected>France &amp; co</option>' in html


def test_the_options_follow_the_language_and_are_built_once_per_language():
    choices = [("de", _("German")), ("fr", _("French"))]
    widget = CachedOptionsSelect(choices=choices, key="test.languages")
    with translation.override("fr"):
        assert ">Allemand</option>" in widget.render("lang", "fr")
    with translation.override("en"):
        assert ">German</option>" in widget.render("lang", "fr")
    widget.choices = [("de", "changed")]  # the cache holds the list: same key, same options
    with translation.override("en"):
        assert ">German</option>" in widget.render("lang", "de")


def test_the_profile_marks_the_persons_time_zone_and_e_mail_language(client, db):
    from accounts.tests.factories import UserFactory

    user = UserFactory(time_zone="America/New_York", email_language="de")
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    # In the suggested group first, named with its country.
    assert (
        '<option value="America/New_York" selected>New York (United States of America)</option>'
        in html
    )
    assert '<option value="de" selected>German</option>' in html


GROUPED = [
    ("France & co", [("Europe/Paris", "Paris")]),
    ("United States", [("America/New_York", "New York"), ("America/Chicago", "Chicago")]),
    ("UTC", "UTC"),  # a plain option after the groups
]


@pytest.mark.parametrize("value", ["Europe/Paris", "America/Chicago", "UTC", "", None, "Nowhere"])
def test_option_groups_are_written_as_djangos_select_writes_them(value):
    django_select = forms.Select(choices=GROUPED)
    cached = CachedOptionsSelect(choices=GROUPED, key="test.groups")
    html = cached.render("time_zone", value, {"id": "id_tz"})
    assert parse_html(html) == parse_html(django_select.render("time_zone", value, {"id": "id_tz"}))
    assert '<optgroup label="France &amp; co">' in html


@pytest.mark.parametrize("value", ["Europe/Paris", "America/Chicago", "UTC", None])
def test_a_first_group_is_rendered_before_the_cached_options_as_django_would(value):
    first = ("Suggested", [("America/Chicago", "Chicago (United States)"), ("UTC", "UTC")])
    cached = CachedOptionsSelect(choices=GROUPED, key="test.first_group")
    cached.first_group = first
    django_select = forms.Select(choices=[first, *GROUPED])
    html = cached.render("time_zone", value)
    assert parse_html(html) == parse_html(django_select.render("time_zone", value))
    assert html.count(" selected") == (1 if value else 0)
    assert cached.use_required_attribute(value) is False


def test_the_first_group_is_each_forms_own_and_the_rest_stays_cached():
    widget = CachedOptionsSelect(choices=GROUPED, key="test.per_person")
    widget.first_group = ("Suggested", [("America/Chicago", "Chicago")])
    widget.render("tz", "America/Chicago")
    other = CachedOptionsSelect(choices=lambda: [("changed", "changed")], key="test.per_person")
    other.first_group = ("Suggested", [("Europe/Paris", "Paris")])
    html = other.render("tz", "Europe/Paris")
    assert "Chicago</option>" in html  # the cached groups, built once for this key
    assert html.index('"Europe/Paris" selected') < html.index("France &amp; co")
