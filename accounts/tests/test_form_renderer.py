"""accounts/renderers.py writes Django's commonest form templates in Python: same HTML, always."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from accounts.renderers import PortalFormRenderer


class EveryWidgetForm(forms.Form):
    text = forms.CharField(max_length=20, help_text="Help")
    email = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    number = forms.IntegerField(min_value=0, required=False)
    agree = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    flat = forms.ChoiceField(choices=[("", "---"), ("a", "A & B"), ("b", '"B"')], required=False)
    grouped = forms.ChoiceField(
        choices=[("One", [("1", "first"), ("2", "second")]), ("3", "third")], required=False
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)


DATA = [
    None,
    {},
    {
        "text": "<b>\"quoted\" & 'single'</b>",
        "email": "not an address",
        "secret": "p<a>ss",
        "number": "-3",
        "agree": "on",
        "hidden": "h&i",
        "day": "2026-04-02",
        "flat": "a",
        "grouped": "2",
        "many": ["x", "y"],
        "notes": "<script>",
    },
]


def render_all(form) -> str:
    return "\n".join(f"{bound}|{bound.errors}|{form.non_field_errors()}" for bound in form)


@pytest.mark.parametrize("data", DATA, ids=["unbound", "empty", "filled"])
def test_it_writes_the_same_html_as_djangos_templates(data):
    ours = EveryWidgetForm(data, renderer=PortalFormRenderer())
    djangos = EveryWidgetForm(data, renderer=TemplatesSetting())
    if data is not None:
        assert ours.is_valid() == djangos.is_valid()
    assert render_all(ours) == render_all(djangos)


def test_it_escapes_attributes_and_keeps_safe_values():
    widget = forms.TextInput(attrs={"data-x": '"><script>', "required": True, "hidden": False})
    for value in ['a"b', mark_safe("<i>safe</i>"), 0, None]:
        assert widget.render("n", value, renderer=PortalFormRenderer()) == widget.render(
            "n", value, renderer=TemplatesSetting()
        )


def test_an_overridden_widget_template_is_rendered_from_the_project(settings, tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "text.html").write_text('<input class="overridden" name="{{ widget.name }}">')
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    html = forms.TextInput().render("n", "v", renderer=PortalFormRenderer())
    assert html == '<input class="overridden" name="n">'
