"""The words a preview card (``cms.sharing.card``) draws, in the language of the URL it is served
under: ``/en/…/preview.png`` reads English, the unprefixed one Chinese, whatever language the
campaign page or the supporter's page was written in (issue 13). Kept apart from the drawing so
that a test reads the words without decoding a PNG."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from campaigns.money import Money
from campaigns.site_name import site_name
from campaigns.templatetags.labels import label_value
from payments.figures import vocabulary


@dataclass(frozen=True)
class CardText:
    """The lines of one card, translated and formatted (``render_card``'s arguments but the percent)."""

    title: str
    raised: str
    of_goal: str
    footer: str
    counted: str = ""

    def as_kwargs(self) -> dict[str, str]:
        return {"title": self.title, "raised": self.raised, "of_goal": self.of_goal,
                "footer": self.footer, "counted": self.counted}  # fmt: skip


def card_text(
    *, title: object, raised: Money, goal: Money, language: str, counted: Money | None = None
) -> CardText:
    """The card's lines in ``language``. ``title`` is already the reader's text (``str()`` is
    drawn: a ``ReaderText`` keeps its "not yet translated" mark, ``written_plain`` its "written in
    Chinese" one). ``counted``, what counts towards the goal, is drawn only where it differs from
    what was raised (``counted_line``)."""
    with translation.override(language):
        return CardText(
            title=str(title),
            raised=_("%(amount)s raised") % {"amount": raised},
            counted=counted_line(raised=raised, counted=counted) if counted is not None else "",
            of_goal=_("of a goal of %(amount)s") % {"amount": goal},
            footer=_("%(organisation)s · every cent traced to a verified outcome")
            % {"organisation": site_name(language)},
        )


def counted_line(*, raised: Money, counted: Money) -> str:
    """ "Counts towards the goal: ¥17,600" in the active language when that differs from what was
    raised (a match adds to it, a refund takes from it: the bar's percentage is of it), else ""."""
    return "" if counted == raised else label_value(vocabulary.label("counted"), counted)


def card_etag(cache_key: str) -> str:
    """A strong ``ETag`` of a card from its cache key, which names the language it is drawn in:
    the English and the Chinese image of one page never answer each other's ``If-None-Match``."""
    digest = hashlib.blake2b(cache_key.encode(), digest_size=12).hexdigest()
    return f'"{digest}"'
