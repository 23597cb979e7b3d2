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
