"""Wagtail's Chinese as the admin shows it: no ASCII colon after Chinese text (issue 13). Wagtail's
own catalogues have a few ("页面可见性: "); ``locale/wagtail`` replaces them, and this finds any that
a Wagtail upgrade brings, by reading every msgid of Wagtail's catalogues through Django's gettext."""

import gettext as gettext_module
import re
from pathlib import Path

import wagtail
from django.utils import translation

ASCII_COLON_AFTER_CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef] ?:")


def _wagtail_msgids() -> list[str]:
    msgids = []
    for mo in Path(wagtail.__file__).parent.rglob("locale/zh_Hans/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            catalogue = gettext_module.GNUTranslations(handle)._catalog
        msgids += [key for key in catalogue if isinstance(key, str) and key]
    return msgids


def test_wagtails_catalogues_are_read():
    # The scan below means something only if it sees Wagtail's Chinese.
    assert len(_wagtail_msgids()) > 1000


def test_no_wagtail_string_reads_with_an_ascii_colon_after_chinese():
    with translation.override("zh-hans"):
        shown = {msgid: translation.gettext(msgid) for msgid in _wagtail_msgids()}

    offending = {msgid: text for msgid, text in shown.items() if ASCII_COLON_AFTER_CHINESE.search(text)}
    assert offending == {}
