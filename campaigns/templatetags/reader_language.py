"""``{{ partner|reader:"name" }}``: a record's text in the reader's language (ADR 0403).

An English page shows ``name_en``; where it is empty, the Chinese original in a ``lang="zh-Hans"``
span marked "not yet translated" (see ``campaigns.reader_language``). ``{{ line.partner|reader }}``
renders a ``ReaderText`` a selector already picked. ``reader_plain`` gives plain text (mails,
``<title>``). ``{{ team.name|written_text }}``: what a supporter wrote, in the one language they
wrote it in, marked "written in Chinese" on an English page (issue 13); ``written_plain`` the same
as plain text (``<title>``)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from campaigns.reader_language import ReaderText, in_reader_language, written_in_chinese_here
from campaigns.reader_language import written_plain as _written_plain
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


@register.filter
def written_text(value: object, element: str = "span") -> SafeString:
    """Text a supporter wrote (a team's name, a page's title or story) exists in one language only.
    On an English page, text with Chinese characters in it is shown as written, in a
    ``lang="zh-Hans"`` element, followed by a visible "(written in Chinese)" mark, as untranslated
    records are (``ReaderText``); anywhere else it is shown as it is. ``element``: ``span`` inline,
    ``div`` for a block (``{{ spage.words|linebreaks|written_text:"div" }}``). Both carry
    ``data-donor-text``: people's own words, which no catalogue translates. The text is escaped
    unless it is already safe HTML."""
    tag = "div" if element == "div" else "span"
    text = "" if value is None else value
    if not written_in_chinese_here(text):
        return format_html("<{} data-donor-text>{}</{}>", mark_safe(tag), text, mark_safe(tag))  # noqa: S308
    mark = (
        '<p class="untranslated"><small>({})</small></p>'
        if tag == "div"
        else ' <small class="untranslated">({})</small>'
    )
    return format_html(
        '<{} lang="zh-Hans" data-donor-text>{}</{}>' + mark,
        mark_safe(tag),  # noqa: S308
        text,
        mark_safe(tag),  # noqa: S308
        _("written in Chinese"),
    )


@register.filter
def written_plain(value: object) -> str:
    """``written_text`` as plain text, for a ``<title>`` (``campaigns.reader_language.written_plain``)."""
    return _written_plain(value)
