"""``{{ partner|reader:"name" }}``: a record's text in the reader's language (ADR 0403).

An English page shows ``name_en``; where it is empty, the Chinese original in a ``lang="zh-Hans"``
span marked "not yet translated" (see ``campaigns.reader_language``). ``{{ line.partner|reader }}``
renders a ``ReaderText`` a selector already picked. ``reader_plain`` gives plain text (mails,
``<title>``). ``{{ entry.message|written_text }}``: what a donor or supporter wrote, in the one
language they wrote it in, marked "written in Chinese" on an English page and "written in English"
on a Chinese one (issue 13); ``written_name`` for a name (a team's), marked on English pages only;
``written_plain`` as plain text (``<title>``)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from campaigns.reader_language import ReaderText, in_reader_language, reads_english, written_mark
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


def _written(value: object, element: str, *, names: bool) -> SafeString:
    tag = mark_safe("div" if element == "div" else "span")  # noqa: S308 - one of two literals
    text = "" if value is None else value
    mark = written_mark(text, names=names)
    if mark is None:
        return format_html("<{} data-donor-text>{}</{}>", tag, text, tag)
    if tag == "div":
        note = '<p class="untranslated"><small>{}</small></p>'
    else:  # English puts a space before its bracket, Chinese none before its full-width one
        note = (" " if reads_english() else "") + '<small class="untranslated">{}</small>'
    return format_html(
        '<{} lang="{}" data-donor-text>{}</{}>' + note, tag, mark.lang, text, tag, mark.bracketed()
    )


@register.filter
def written_text(value: object, element: str = "span") -> SafeString:
    """Text a donor or supporter wrote (a wall message, a dedication, a page's title or story)
    exists in one language only. On an English page, text with Chinese characters in it is shown
    as written, in a ``lang="zh-Hans"`` element, followed by a visible "(written in Chinese)" mark,
    as untranslated records are (``ReaderText``); on a Chinese page, text in Latin letters only is
    shown in a ``lang="en"`` element marked "（英文）"; anywhere else it is shown as it is.
    ``element``: ``span`` inline, ``div`` for a block (``{{ spage.words|linebreaks|written_text:"div" }}``).
    Both carry ``data-donor-text``: people's own words, which no catalogue translates. The text is
    escaped unless it is already safe HTML."""
    return _written(value, element, names=False)


@register.filter
def written_name(value: object) -> SafeString:
    """``written_text`` for a name someone chose (a team's): a name is read as written, so on a
    Chinese page a Latin name ("Jianghua Alumni") has no mark; on an English page a Chinese one is
    still marked "(written in Chinese)" (``lang="zh-Hans"``), since it cannot be read aloud."""
    return _written(value, "span", names=True)


@register.filter
def written_plain(value: object, kind: str = "") -> str:
    """``written_text`` as plain text, for a ``<title>`` (``campaigns.reader_language.written_plain``);
    ``{{ team.name|written_plain:"name" }}`` for a name, as ``written_name``."""
    return _written_plain(value, names=kind == "name")
