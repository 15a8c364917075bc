"""`{% field %}` (accounts/templatetags/fields.py): one field as every form shows it."""

from django import forms
from django.template import Context, Template


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text='See <a href="/help/">help</a>')
    agree = forms.BooleanField(label="I agree", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def render(form, name) -> str:
    return Template("{% load fields %}{% field form." + name + " %}").render(
        Context({"form": form})
    )


def test_a_field_has_its_label_help_and_input_tied_together():
    html = render(SampleForm(), "name")
    assert html.startswith('<div class="field">')
    assert '<label for="id_name">Name</label>' in html
    assert '<div class="helptext" id="id_name_helptext">See <a href="/help/">help</a></div>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert html.index("<label") < html.index("<input")


def test_an_invalid_field_shows_its_error_before_the_input_and_is_marked():
    html = render(SampleForm({"name": ""}), "name")
    assert html.startswith('<div class="field field-error">')
    assert '<ul class="errorlist" id="id_name_error"><li>This field is required.</li></ul>' in html
    assert html.index("errorlist") < html.index("<input")
    assert 'aria-invalid="true"' in html


def test_a_checkbox_comes_before_its_label():
    html = render(SampleForm(), "agree")
    assert '<div class="checkbox"><input type="checkbox" name="agree"' in html
    assert html.index('type="checkbox"') < html.index('<label for="id_agree">I agree</label>')


def test_a_hidden_field_is_the_input_alone():
    assert render(SampleForm(), "token") == '<input type="hidden" name="token" id="id_token">'


def test_labels_are_escaped():
    form = SampleForm()
    form.fields["name"].label = "<b>Name</b>"
    assert "&lt;b&gt;Name&lt;/b&gt;" in render(form, "name")
