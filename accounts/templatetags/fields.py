"""`{% field form.name %}`: one form field as every form of the portal shows it.

The label is bound to the input with no trailing colon, so that it is exactly
the contract's words; help and errors are tied to the input by aria-describedby
(Django adds it). This was the template `_field.html`, included once per field:
each include cost about 0.05 ms more than this function (a context, a template
and some fifteen nodes; docs/benchmarks.md), and the directory and the profile
show six and seven fields on every page.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(name="field")
def render_field(field) -> SafeString:
    if field.is_hidden:
        return format_html("{}", field)
    help_text = ""
    if field.help_text:
        # Help texts are the forms' own, and may hold markup (a link, <em>).
        help_text = format_html(
            '<div class="helptext" id="{}_helptext">{}</div>',
            field.auto_id,
            mark_safe(field.help_text),  # noqa: S308 - written in the forms, never by users
        )
    label = format_html('<label for="{}">{}</label>', field.id_for_label, field.label)
    if getattr(field.field.widget, "input_type", None) == "checkbox":
        body = format_html(
            '<div class="checkbox">{} {}</div>\n{}\n{}', field, label, help_text, field.errors
        )
    else:
        body = format_html("{}\n{}\n{}\n{}", label, help_text, field.errors, field)
    css = "field field-error" if field.errors else "field"
    return format_html('<div class="{}">\n{}\n</div>', css, body)
