"""``{% labelled label value %}``: "label: value" with the reader's language's colon ("Raised: ¥3,000",
"已筹：¥3,000"), both parts escaped. One translatable pattern instead of a colon typed into each
template (issue 13)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def labelled(label: object, value: object) -> SafeString:
    # Translators: a label and its value; use your language's colon.
    pattern = _("%(label)s: %(value)s")
    escaped = {"label": conditional_escape(label), "value": conditional_escape(value)}
    return mark_safe(pattern % escaped)  # noqa: S308 - both parts escaped; the pattern is our catalogue's
