"""The payment stand-in's card form names its fields for people, in the page's language (issue 13):
placeholders, labels and the text before them; the field codes stay in ``data-field`` only."""

from pathlib import Path

import localstripe

from config.localstripe import card_form_counting_digits

SOURCE = (Path(localstripe.__file__).parent / "localstripe-v3.js").read_text()


def test_the_served_card_form_labels_its_fields_in_both_languages():
    served = card_form_counting_digits(SOURCE)

    assert "setAttribute('aria-label'" not in SOURCE  # localstripe itself labels nothing
    assert "setAttribute('aria-label', cardFieldLabels[field] || field);" in served
    assert "number: '卡号'" in served and "number: 'Card number'" in served
    assert "documentElement.lang" in served


def test_the_served_card_form_sends_the_year_with_four_digits():
    """Issue 13: localstripe's form sends "20" + the year typed ("2031" → 202031, refused)."""
    served = card_form_counting_digits(SOURCE)

    assert "exp_year: '20' + this._inputs.exp_year.value," in SOURCE
    assert "exp_year: '20' + this._inputs.exp_year.value," not in served
    assert "typed.length > 2 ? typed : '20' + typed" in served
    assert "this.value.card.exp_year.length >= 4" not in served  # no jump after "20" of "2031"
    assert "有效期年份（YYYY）" in served  # the Chinese labels' brackets are full-width


def test_the_served_card_form_shows_no_codes_to_people():
    """Issue 13: "localstripe:" and the placeholders number / exp_month / exp_year / cvc /
    postal_code were what a donor read; the codes now sit in ``data-field`` (never ``name``)."""
    served = card_form_counting_digits(SOURCE)

    assert "setAttribute('placeholder', field);" in SOURCE and "'localstripe: '" in SOURCE
    assert "setAttribute('placeholder', field);" not in served
    assert "labelSpan.textContent = 'localstripe: ';" not in served
    assert "'测试卡（演示）：' : 'Test card (demo): '" in served
    assert "setAttribute('placeholder', cardFieldNames[field] || field);" in served
    assert "exp_month: '月（MM）'" in served and "exp_year: 'YYYY'" in served
    assert "setAttribute('data-field', field);" in served
    assert "setAttribute('name'" not in served
