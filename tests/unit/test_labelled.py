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


def test_in_a_plain_text_template_label_and_value_are_left_as_they_are():
    # A plain-text mail (autoescape off) shows "Tom & Jerry", not "Tom &amp; Jerry" (issue 13).
    template = Template("{% load labels %}{% autoescape off %}{% labelled label value %}{% endautoescape %}")
    with translation.override("zh-hans"):
        text = template.render(Context({"label": "活动", "value": "Tom & Jerry's <fund>"}))
    assert text == "活动：Tom & Jerry's <fund>"
