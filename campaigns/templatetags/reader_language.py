"""``{{ partner|reader:"name" }}``: a record's text in the reader's language (ADR 0403).

An English page shows ``name_en``; where it is empty, the Chinese original in a ``lang="zh-Hans"``
span marked "not yet translated" (see ``campaigns.reader_language``). ``{{ line.partner|reader }}``
renders a ``ReaderText`` a selector already picked. ``reader_plain`` gives plain text (mails,
``<title>``)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from campaigns.reader_language import ReaderText, in_reader_language
from campaigns.site_name import site_name as _site_name
from campaigns.site_name import site_name_fallback as _site_name_fallback

register = template.Library()


def _pick(obj, field: str | None) -> ReaderText | None:
    if obj is None or obj == "":
        return None
    if isinstance(obj, ReaderText):
        return obj
    return in_reader_language(obj, field)


@register.filter
def reader(obj, field: str | None = None) -> SafeString | str:
    text = _pick(obj, field)
    if text is None:
        return ""
    # Django renders a filter's result with str() before escaping: the marked-up form is passed
    # as safe HTML (its parts are escaped by format_html), the plain one is escaped as usual.
    return mark_safe(text.__html__()) if text.missing else text.text  # noqa: S308


@register.filter
def reader_plain(obj, field: str | None = None) -> str:
    text = _pick(obj, field)
    return "" if text is None else str(text)


@register.simple_tag
def site_name() -> str:
    """The organisation's name in the active language, from the site settings (``campaigns.site_name``)."""
    return _site_name()


@register.simple_tag
def site_name_offline() -> str:
    """The organisation's default name in the active language, without reading the database: for
    the pages shown when it fails or cannot be reached (500, 503)."""
    return _site_name_fallback()
