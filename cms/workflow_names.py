"""The names of the review workflow and task the project creates (migration ``cms.0002``), shown in
the admin user's language (ADR 0405).

Wagtail stores a workflow's and a task's name as one text column and prints it as is, inside its
own translated sentences ("提交给 %(workflow_name)s", "awaiting '%(task_name)s'"). The rows keep
the English name (the msgid); ``name_shown`` swaps it for its translation in the language active
when the row is loaded (the request's: the admin user's language), as plain text (``Workflow.__str__``
must return a ``str``: a lazy name made the workflow lists and reports answer 500), and
``name_stored`` swaps it back before a save, so the column never takes one language's text. Names
staff type for workflows of their own are shown as typed.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# Stored name -> shown name. Literal msgids here so makemessages finds them.
SHOWN_NAMES = {
    "Campaign publication": _("Campaign publication"),
    "Verifier review": _("Verifier review"),
}


def name_shown(stored: str) -> str:
    """One of the project's own workflow or task names in the active language, else ``stored``."""
    return str(SHOWN_NAMES.get(stored, stored))


def name_stored(shown) -> str:
    """The English name to store for a name as shown: a lazy name, or its text in any site language
    (a form sends back what it showed), becomes its msgid; any other text is stored as typed."""
    text = str(shown)
    for stored, lazy in SHOWN_NAMES.items():
        if shown is lazy:
            return stored
        for code, _label in settings.LANGUAGES:
            with translation.override(code):
                if str(lazy) == text:
                    return stored
    return text
