"""``{% labelled label value %}``: "label: value" with the reader's language's colon ("Raised: ¥3,000",
"已筹：¥3,000"), both parts escaped. One translatable pattern instead of a colon typed into each
template (issue 13)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

register = template.Library()


def label_value(label: object, value: object) -> str:
    """ "label: value" as plain text in the active language (for Python callers: admin columns,
    which escape it when they render it)."""
    # Translators: a label and its value; use your language's colon.
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


@register.simple_tag(takes_context=True)
def labelled(context, label: object, value: object) -> str:
    """In a template with autoescape off (a plain-text mail) the parts are left as they are: a
    mail shows "Tom & Jerry", not "Tom &amp; Jerry" (issue 13)."""
    if not context.autoescape:
        return label_value(label, value)
    escaped = {"label": conditional_escape(label), "value": conditional_escape(value)}
    return mark_safe(label_value(escaped["label"], escaped["value"]))  # noqa: S308 - both parts escaped


@register.simple_tag
def colon() -> str:
    """The active language's colon after a label, for a value marked up on its own
    ("状态：<strong>已发布</strong>"); the same message as the forms' label suffix."""
    return pgettext("form label suffix", ":")
