"""One full stop where a sentence's own stop follows a name that already ends in one.

A sentence that ends in a name someone typed ("matched ¥300 by Acme Co.", "Raised by 某某基金会。")
would otherwise show two stops: the name's and the sentence's ("Acme Co.."). English and Chinese
both write one: the name's stop serves as the sentence's. Whether the name ends the sentence
depends on the language's word order, so the check runs on the translated, rendered sentence, not
on the name: ``{% blocktranslate … asvar line %}…{% endblocktranslate %}{{ line|one_full_stop }}``
(``{% load full_stop %}``).
"""

from __future__ import annotations

import re

# A stop (or ! ? …, either width) that ends a name, any closing tags around the name, then the
# sentence's own "." or "。" where a sentence ends (before a space, a tag or the end). Not after a
# second "." so that an ellipsis ("...") of our own text stays whole.
_STOP_AFTER_STOP = re.compile(r"(?<!\.)([.!?…。！？](?:</[A-Za-z][\w-]*>)*)[.。](?=\s|<|$)")


def one_full_stop(text: str) -> str:
    """``text`` with each sentence stop that directly follows another stop removed: "by Acme Co.."
    → "by Acme Co.", "Yahoo!." → "Yahoo!", "某某基金会。。" → "某某基金会。", "<a>Acme Co.</a>." →
    "<a>Acme Co.</a>". Everything else, an ellipsis included, is left as it is. Removing a stop
    never touches markup, so escaped (safe) text stays safe."""
    return _STOP_AFTER_STOP.sub(r"\1", text)
