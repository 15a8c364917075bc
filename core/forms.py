"""Form helpers shared by every app."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's form renderer, through the project's template engines (so templates/
    may override a widget's template, as it does the captcha's), with the portal's
    layout of a field: `{{ form.name.as_field_group }}` renders core/field.html."""

    field_template_name = "core/field.html"
