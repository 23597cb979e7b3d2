"""``campaigns.full_stop.one_full_stop``: the sentence's stop after a name that ends in one is dropped,
in English and Chinese, through markup; nothing else changes (issue 14)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from campaigns.full_stop import one_full_stop


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your ¥300 was matched ¥300 by Acme Co..", "Your ¥300 was matched ¥300 by Acme Co."),
        ("Raised by Yahoo!.", "Raised by Yahoo!"),
        ("募捐主体：某某基金会。。", "募捐主体：某某基金会。"),
        ("募捐主体：Acme Co.。", "募捐主体：Acme Co."),
        ("to Sight Inc.. We will try again on 2026-12-02.", "to Sight Inc. We will try again on 2026-12-02."),
        (
            'Published on <a href="https://x.cn/">Acme Co.</a>.',
            'Published on <a href="https://x.cn/">Acme Co.</a>',
        ),
        (
            'for surgery of <span lang="en">Mr. Wu Jr.</span>.',
            'for surgery of <span lang="en">Mr. Wu Jr.</span>',
        ),
    ],
)
def test_a_doubled_stop_after_a_name_becomes_one(text, expected):
    assert one_full_stop(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Your ¥300 was matched ¥300 by Acme Co.",
        "您的 ¥300 捐款获得 Acme Co. 配捐 ¥300。",
        "Acme Co. matches gifts 1:1.",
        "Loading...",  # our own ellipsis stays whole
        "Visit example.cn. Then give.",
        "“Acme Co.”。",  # a quoted name keeps the sentence's stop
        "",
    ],
)
def test_text_without_a_doubled_stop_is_unchanged(text):
    assert one_full_stop(text) == text


def test_the_filter_keeps_escaped_text_safe_and_escaped():
    template = Template(
        "{% load i18n full_stop %}{% blocktranslate with name=name asvar line %}Raised by {{ name }}."
        "{% endblocktranslate %}{{ line|one_full_stop }}"
    )

    with translation.override("en"):
        ends_in_a_stop = template.render(Context({"name": "Tom & Jerry Co."}))
        ends_in_markup = template.render(Context({"name": "Tom & Jerry <b>Co.</b>"}))

    # escaped once (the filter's output is not escaped again), one stop
    assert ends_in_a_stop == "Raised by Tom &amp; Jerry Co."
    # typed markup is text: its escaped "&gt;" is no stop, so the sentence keeps its own
    assert ends_in_markup == "Raised by Tom &amp; Jerry &lt;b&gt;Co.&lt;/b&gt;."
