"""``{% labelled %}``: each language's colon between a label and its value, both escaped (issue 13:
the Chinese transparency page read "已核实受助人: 8" with an English colon)."""

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template("{% load labels %}{% labelled label value %}")


def render(language: str, label: str, value: object) -> str:
    with translation.override(language):
        return TEMPLATE.render(Context({"label": label, "value": value}))


def test_chinese_takes_the_full_width_colon_and_english_the_ascii_one():
    assert render("zh-hans", "已核实受助人", 8) == "已核实受助人：8"
    assert render("en", "Beneficiaries verified", 8) == "Beneficiaries verified: 8"


def test_label_and_value_are_escaped():
    assert render("en", "<b>", "a & b") == "&lt;b&gt;: a &amp; b"
