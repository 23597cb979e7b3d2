"""The payment stand-in's card form names its fields for people, in the page's language, instead of
showing their codes as placeholders (issue 13)."""

from pathlib import Path

import localstripe

from config.localstripe import card_form_counting_digits

SOURCE = (Path(localstripe.__file__).parent / "localstripe-v3.js").read_text()


def test_the_served_card_form_names_its_fields_in_both_languages():
    served = card_form_counting_digits(SOURCE)

    assert "setAttribute('placeholder', field);" in SOURCE  # what localstripe itself does
    assert "setAttribute('placeholder', field);" not in served
    assert "number: '卡号'" in served and "number: 'Card number'" in served
    assert "documentElement.lang" in served
