"""The payment stand-in's card form labels its fields for people, in the page's language (issue 13);
its placeholders stay the field codes the browser tests find them by."""

from pathlib import Path

import localstripe

from config.localstripe import card_form_counting_digits

SOURCE = (Path(localstripe.__file__).parent / "localstripe-v3.js").read_text()


def test_the_served_card_form_labels_its_fields_in_both_languages():
    served = card_form_counting_digits(SOURCE)

    assert "setAttribute('aria-label'" not in SOURCE  # localstripe itself labels nothing
    assert "setAttribute('aria-label', cardFieldNames[field] || field);" in served
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
