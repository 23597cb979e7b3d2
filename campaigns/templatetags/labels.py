"""``{% labelled label value %}``: "label: value" with the reader's language's colon ("Raised: ¥3,000",
"已筹：¥3,000"), both parts escaped. One translatable pattern instead of a colon typed into each
template (issue 13).

``{% bracketed text note %}``: "text (note)" with the reader's language's brackets ("Grandma Pan
(Cataract surgery)", "盘奶奶（白内障复明手术项目）": full-width, no space, in Chinese). The same
for brackets: one translatable pattern, never "(" typed into a template or a ``__str__``."""

from django import template
from django.apps import apps
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import npgettext, pgettext

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


def bracketed_text(text: object, note: object) -> str:
    """ "text (note)" as plain text in the active language (for Python callers: ``__str__``s,
    admin columns; they are escaped where they are rendered)."""
    # Translators: a text followed by a note about it in brackets; use your language's brackets
    # and spacing (Chinese: full-width brackets, no space).
    return pgettext("text and a note in brackets", "%(text)s (%(note)s)") % {"text": text, "note": note}


@register.simple_tag(takes_context=True)
def bracketed(context, text: object, note: object) -> str:
    """``bracketed_text`` in a template, both parts escaped (left as they are in a plain-text mail)."""
    if not context.autoescape:
        return bracketed_text(text, note)
    return mark_safe(bracketed_text(conditional_escape(text), conditional_escape(note)))  # noqa: S308 - both parts escaped


@register.simple_tag
def bracket_open() -> str:
    """The active language's opening bracket of a note after a text, with the space the language
    puts before it, for a note whose parts are marked up on their own (a link before it, a value a
    script fills in): " (" in English, "（" in Chinese."""
    # Translators: opens a note in brackets after a text; English puts a space before it.
    return pgettext("opening bracket after a text", " (")


@register.simple_tag
def bracket_close() -> str:
    """The closing partner of ``bracket_open``: ")" / "）"."""
    return pgettext("closing bracket", ")")


@register.simple_tag
def colon() -> str:
    """The active language's colon after a label, for a value marked up on its own
    ("状态：<strong>已发布</strong>", "Status: <strong>Posted</strong>"); the same message as the forms'
    label suffix, with the space a Latin colon takes before its value (the full-width one has none)."""
    suffix = pgettext("form label suffix", ":")
    return f"{suffix} " if suffix.isascii() else suffix


@register.simple_tag
def items_count(paginator) -> str:
    """The count under an admin list in the reader's language, for Wagtail's pagination (which
    writes "2 locales" as ``f"{count} {verbose_name_plural}"``: English word order, and a model
    without a translatable name, such as Wagtail's ``Locale``, stays English). "9 outcomes" /
    "成果：9"; a list whose model has no translatable name: "2 items" / "共 2 条"."""
    count = paginator.count
    model = getattr(paginator, "model", None)
    if model is not None:
        # Only a name the model gives (Django derives "locale" and "locales" from a class name, and
        # "项目页面s" from a translated singular): a translatable one.
        attribute = "verbose_name" if count == 1 else "verbose_name_plural"
        name = model._meta.original_attrs.get(attribute)
        if isinstance(name, Promise):
            # Translators: the number of rows under an admin list and what they are ("9 outcomes").
            return pgettext("rows in a list", "%(count)s %(name)s") % {"count": count, "name": name}
    return npgettext("rows in a list", "%(count)s item", "%(count)s items", count) % {"count": count}


@register.simple_tag
def app_name(app_label: str) -> str:
    """An installed app's name as people read it (its ``AppConfig.verbose_name``, translated
    where the app gives one), for screens that would show the code ("cms"); the label itself
    when no app has it."""
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label
