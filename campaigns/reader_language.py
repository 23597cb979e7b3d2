"""Texts people read, in the reader's language, with a visible mark where a translation is missing.

Records that are not Wagtail pages (campaigns' public titles, partners, beneficiaries' public
stories, evidence and outcome titles, needs) are written in Chinese, the site's default language,
and carry an English twin field named ``<field>_en`` (ADR 0403). ``in_reader_language`` picks the
one for the active (or given) language. An English reader of a record whose English twin is empty
gets the Chinese original marked "not yet translated", never the Chinese silently.

The result renders as plain text with ``str()`` (mails, PDFs, page titles) and as marked-up HTML
in templates (``__html__``: the original in a ``lang="zh-Hans"`` span followed by the marker).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from django.utils.html import format_html, strip_tags
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

ENGLISH = "en"


def reads_english(language: str | None = None) -> bool:
    """Whether ``language`` (default: the active one) is English (``en``, ``en-gb``...)."""
    return (language or get_language() or "").lower().startswith(ENGLISH)


@dataclass(frozen=True)
class ReaderText:
    """One text as a reader sees it. ``missing``: the reader's language has no version yet, and
    ``text`` is the original (Chinese)."""

    text: str
    missing: bool = False

    def __str__(self) -> str:
        if self.missing:
            return f"{self.text} ({_('not yet translated')})"
        return self.text

    def __html__(self) -> str:
        if self.missing:
            return format_html(
                '<span lang="zh-Hans" data-untranslated>{}</span> <small class="untranslated">({})</small>',
                self.text,
                _("not yet translated"),
            )
        return format_html("{}", self.text)

    def __bool__(self) -> bool:
        return bool(self.text)


def in_reader_language(obj: object, field: str, *, language: str | None = None) -> ReaderText:
    """``obj.<field>`` for a Chinese reader, ``obj.<field>_en`` for an English one (``language``,
    or the active language when omitted). An empty English twin of a non-empty original gives the
    original with ``missing=True``. Raises ``AttributeError`` when ``obj`` has no such field."""
    original = getattr(obj, field) or ""
    if not reads_english(language):
        return ReaderText(original)
    english = getattr(obj, f"{field}_en") or ""
    if english.strip() or not original:
        return ReaderText(english)
    return ReaderText(original, missing=True)


def reader_str(obj: object, field: str) -> str:
    """``obj.<field>`` in the active language as plain text, for a record's ``__str__``: the admin's
    lists, choosers and headings read records in the staff member's language (issue 13). On an
    English screen a record without its English twin reads "<Chinese> (not yet translated)"."""
    return str(in_reader_language(obj, field))


# Han ideographs, CJK punctuation and full-width forms: text a reader of English cannot read.
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def written_in_chinese_here(text: object, *, language: str | None = None) -> bool:
    """Whether ``text`` that someone wrote in one language only (a supporter's page title, a team's
    name) needs the "written in Chinese" mark for a reader of ``language`` (default: the active
    one): it has Chinese characters and the reader reads English (issue 13)."""
    return reads_english(language) and bool(CJK.search(str(text or "")))


# Latin letters: with no Chinese character beside them, text a reader of Chinese may not read.
LATIN = re.compile(r"[A-Za-z]")


def written_in_english_here(text: object, *, language: str | None = None) -> bool:
    """The other way round from ``written_in_chinese_here``: whether text someone wrote (a wall
    message, a dedication, a supporter's title or words) needs the "written in English" mark for a
    reader of ``language`` (default: the active one): it has Latin letters and no Chinese
    character, and the reader reads Chinese. Markup (``<p>`` of ``linebreaks``) is not text."""
    if reads_english(language):
        return False
    plain = html.unescape(strip_tags(str(text or "")))
    return bool(LATIN.search(plain)) and not CJK.search(plain)


@dataclass(frozen=True)
class WrittenMark:
    """How text written in a language the reader does not read is marked: its ``lang`` attribute
    and the note shown after it, in brackets of the reader's language."""

    lang: str
    note: str

    def bracketed(self) -> str:
        # Translators: a note in brackets after someone's text, e.g. "(written in English)"; use
        # your language's brackets (Chinese: full-width, "（英文）").
        return pgettext("a note in brackets", "(%(note)s)") % {"note": self.note}


def written_mark(text: object, *, language: str | None = None, names: bool = False) -> WrittenMark | None:
    """The mark ``text`` needs for a reader of ``language`` (default: the active one), or None:
    Chinese on an English page is marked "written in Chinese"; English on a Chinese page "written
    in English", except for ``names`` (a team's name is read as written, not translated)."""
    if written_in_chinese_here(text, language=language):
        return WrittenMark("zh-Hans", _("written in Chinese"))
    if not names and written_in_english_here(text, language=language):
        return WrittenMark("en", _("written in English"))
    return None


def written_plain(text: object, *, language: str | None = None, names: bool = False) -> str:
    """Plain text of ``written_text`` (``campaigns.templatetags.reader_language``) for places
    without markup: a page's ``<title>``, link previews (``og:title``, ``og:description``), share
    sheets. On an English page Chinese text is followed by "(written in Chinese)", on a Chinese
    page English text by "（英文）" (not a name: ``names``); otherwise it is returned as it is."""
    value = "" if text is None else str(text)
    mark = written_mark(value, language=language, names=names)
    if mark is None:
        return value
    # Translators: a text followed by a note about it in brackets; use your language's brackets
    # and spacing (Chinese: full-width brackets, no space).
    return pgettext("text and a note in brackets", "%(text)s (%(note)s)") % {"text": value, "note": mark.note}
