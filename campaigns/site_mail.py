"""Mails the site sends, with a Subject header every mail reader shows as written.

Django folds a long non-ASCII subject without counting the ``Subject: `` before it, so the
generator moves the whole encoded subject to a continuation line (``Subject:`` then
``\\n =?utf-8?b?...``), which readers decode with a leading blank (" 感谢您…"). ``SiteMail``
encodes the subject knowing its header's name, so the first encoded word stays on the
``Subject:`` line. Every mail goes through ``send_site_mail`` or ``SiteMail``.
"""

from __future__ import annotations

from email.header import Header
from email.message import Message

from django.core.mail import EmailMultiAlternatives, get_connection


class SiteMail(EmailMultiAlternatives):
    """A mail whose subject is one line without blanks around it (a template's trailing newline,
    a title's line break are dropped), folded as every mail reader expects."""

    def __init__(self, subject: str = "", *args, **kwargs) -> None:
        super().__init__(" ".join(str(subject).split()), *args, **kwargs)

    def message(self, *args, **kwargs):
        msg = super().message(*args, **kwargs)
        if self.subject and not self.subject.isascii():
            del msg["Subject"]
            # Django's own __setitem__ would encode again without the header's name.
            Message.__setitem__(msg, "Subject", Header(self.subject, "utf-8", header_name="Subject"))
        return msg


def send_site_mail(subject: str, body: str, sender: str, to: list[str], *, connection=None) -> int:
    """``django.core.mail.send_mail`` for the site's mails (``SiteMail``)."""
    mail = SiteMail(subject, body, sender, to, connection=connection or get_connection())
    return mail.send()
