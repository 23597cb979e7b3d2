"""Celery task of donor accounts: mail a sign-in link. Takes the link's id; idempotent (a link
is sent once); acks late."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from campaigns.site_mail import send_site_mail
from campaigns.site_name import from_address
from payments.donor_accounts import services


def _mail(link, token: str) -> None:
    with translation.override(link.language or settings.LANGUAGE_CODE):
        url = settings.SITE_URL.rstrip("/") + reverse("payments:donor_sign_in", kwargs={"token": token})
        values = {"url": url, "minutes": settings.PAYMENTS_SIGN_IN_LINK_MINUTES}
        subject = render_to_string("payments/donor_accounts/email/sign_in_subject.txt", values).strip()
        body = render_to_string("payments/donor_accounts/email/sign_in.txt", values)
        sender = from_address()
    send_site_mail(subject, body, sender, [link.donor.email])


@shared_task(name="payments.donor_accounts.sign_in_link_send", ignore_result=True, acks_late=True)
def sign_in_link_send(link_id: int) -> bool:
    return services.sign_in_link_send(link_id=link_id, send=_mail)
