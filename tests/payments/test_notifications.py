"""Pushed, not pulled (issue #12): donors hear, in their own language, when money from their gift is
paid to a partner, when an outcome it pays for is verified, when a refund is made and when the
campaign posts an update; once per (donor, event); never after unsubscribing; monthly donors in
one weekly digest."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.base import ContentFile

from payments.models import DonorNotification, MailPreferences, MonthlyPlan, NotificationDigest
from payments.notifications.links import donor_from_unsubscribe_token, unsubscribe_url
from payments.notifications.services import (
    campaign_update_announce,
    digest_send,
    event_fan_out,
    notification_send,
)
from payments.notifications.tasks import notifications_weekly_digests
from payments.releases.payouts import release_record_bank_transfer
from payments.releases.services import release_approve
from payments.releases.signals import release_paid
from tests.builders import approved_release, gift, paid_release, refund, verified_milestone
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db

EN, ZH = "en", "zh-hans"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def beneficiary(verifier):
    return BeneficiaryFactory(verified_by=verifier, pseudonym="李奶奶", pseudonym_en="Granny Li")


@pytest.fixture
def partner():
    return PartnerFactory(name="Yongzhou Eye Hospital", name_en="Yongzhou Eye Hospital")


def _only_mail(mailoutbox):
    assert len(mailoutbox) == 1, [m.subject for m in mailoutbox]
    return mailoutbox[0]


def _donor_path_prefix(language: str) -> str:
    return "http://127.0.0.1:8000" + ("/en" if language == EN else "") + "/payments/donor/"


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        (EN, "Your gift at work: paid to Yongzhou Eye Hospital", "¥3,000 of your gift to"),
        (ZH, "您的善款在行动：已支付给 Yongzhou Eye Hospital", "您捐给"),
    ],
)
def test_donors_whose_gift_a_release_paid_hear_it_in_their_language(
    language, subject, sentence, beneficiary, partner, verifier, finance_officer, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # given a gift in the donor's language that a release will consume
    donation = gift(beneficiary.campaign, 300_000, email="wang@example.cn", language=language)
    mailoutbox.clear()

    # when the release is approved and paid (the signals after commit)
    with django_capture_on_commit_callbacks(execute=True):
        release = approved_release(beneficiary=beneficiary, partner=partner, verifier=verifier,
                                   finance_officer=finance_officer)  # fmt: skip
    mailoutbox.clear()  # the outcome notice (tested below)
    with django_capture_on_commit_callbacks(execute=True):
        release_record_bank_transfer(release=release, actor=finance_officer, reference="BANK-1",
                                     proof=ContentFile(b"%PDF slip", name="slip.pdf"))  # fmt: skip

    # then one mail, in their language, with the link to their page in that language
    mail = _only_mail(mailoutbox)
    assert mail.to == ["wang@example.cn"]
    assert mail.subject == subject
    assert sentence in mail.body
    assert _donor_path_prefix(language) in mail.body
    assert _same_unsubscribe_link(mail.extra_headers["List-Unsubscribe"], donation, language)
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/payments/mail/unsubscribe/" in mail.body


def _same_unsubscribe_link(header: str, donation, language: str) -> bool:
    # the token is signed with a timestamp: the mail's may be a second older than one made now, so
    # compare where the link goes (path in the donor's language) and whom its token names
    expected = _unsubscribe(donation, language)
    link = header.removeprefix("<").removesuffix(">")
    prefix = expected.rstrip("/").rsplit("/", 1)[0] + "/"
    token = link.removeprefix(prefix).rstrip("/")
    return (
        link.startswith(prefix) and "/" not in token and donor_from_unsubscribe_token(token) == donation.donor
    )


def _unsubscribe(donation, language):
    from django.utils import translation

    with translation.override(language):
        return unsubscribe_url(donation.donor)


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        (EN, "Verified: Surgery performed of Granny Li", "An outcome your gift pays for was verified"),
        (ZH, "已核实：李奶奶 的手术已完成", "您的善款所资助的成果已经核实"),
    ],
)
def test_an_outcome_is_told_to_the_donors_whose_gifts_pay_for_it_once_its_release_is_approved(
    language, subject, words, beneficiary, partner, verifier, finance_officer, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    # given two gifts; the release of ¥3,000 consumes the first only (first in, first out)
    gift(beneficiary.campaign, 300_000, email="first@example.cn", language=language)
    gift(beneficiary.campaign, 300_000, email="second@example.cn", language=language)
    mailoutbox.clear()

    # when the outcome is verified: no allocation yet, so nobody is told yet
    with django_capture_on_commit_callbacks(execute=True):
        milestone = verified_milestone(beneficiary=beneficiary, verifier=verifier, partner=partner)
    assert mailoutbox == []

    # when its release is approved by another person
    with django_capture_on_commit_callbacks(execute=True):
        release_approve(release=milestone.release, actor=finance_officer)

    # then the donor whose gift pays for it hears, in their language; the other donor does not
    mail = _only_mail(mailoutbox)
    assert mail.to == ["first@example.cn"]
    assert mail.subject == subject
    assert words in mail.body
    assert f"{date.today():%Y-%m-%d}" in mail.body
    assert _donor_path_prefix(language) in mail.body


@pytest.mark.parametrize(
    ("language", "subject_start", "sentence"),
    [(EN, "Refund of your gift to ", "¥100 of your gift to"), (ZH, "您捐给", "已退回您的银行卡")],
)
def test_a_refund_is_told_to_its_donor_in_their_language(
    language, subject_start, sentence, beneficiary, mailoutbox, django_capture_on_commit_callbacks
):
    donation = gift(beneficiary.campaign, 50_000, email="zhao@example.cn", language=language)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        refund(donation, 10_000)

    mail = _only_mail(mailoutbox)
    assert mail.to == ["zhao@example.cn"]
    assert mail.subject.startswith(subject_start)
    assert sentence in mail.body
    assert _donor_path_prefix(language) in mail.body


@pytest.mark.parametrize(
    ("language", "subject", "url"),
    [
        (EN, "Update from {campaign}: 18 surgeries this month", "http://127.0.0.1:8000/en/cataract/update/"),
        (ZH, "{campaign} 的新进展：本月十八例手术", "http://127.0.0.1:8000/cataract/update/"),
    ],
)
def test_a_campaign_update_reaches_each_donor_once_in_their_language(
    language, subject, url, beneficiary, mailoutbox, django_capture_on_commit_callbacks
):
    campaign = beneficiary.campaign
    type(campaign).objects.filter(pk=campaign.pk).update(title_en="Sight restored")
    gift(campaign, 50_000, email="chen@example.cn", language=language)
    gift(campaign, 20_000, email="chen@example.cn", language=language)  # same donor, second gift
    mailoutbox.clear()
    texts = {
        EN: {"title": "18 surgeries this month", "summary": "Eighteen patients see again.",
             "url": "http://127.0.0.1:8000/en/cataract/update/"},
        ZH: {"title": "本月十八例手术", "summary": "十八位患者重见光明。", "url": "http://127.0.0.1:8000/cataract/update/"},
    }  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        campaign_update_announce(campaign_id=campaign.pk, update_key="page-key-1", texts=texts)
        campaign_update_announce(campaign_id=campaign.pk, update_key="page-key-1", texts=texts)  # republished

    mail = _only_mail(mailoutbox)
    assert mail.subject == subject.format(campaign="Sight restored" if language == EN else campaign.title)
    assert url in mail.body
    assert texts[language]["summary"] in mail.body
    assert _donor_path_prefix(language) in mail.body


def test_an_english_donor_of_an_update_published_only_in_chinese_gets_it_marked_not_yet_translated(
    beneficiary, mailoutbox, django_capture_on_commit_callbacks
):
    # given an English donor, and an update published in Chinese only (review finding 14)
    campaign = beneficiary.campaign
    gift(campaign, 50_000, email="lee@example.com", language=EN)
    mailoutbox.clear()
    texts = {
        ZH: {
            "title": "本月十八例手术",
            "summary": "十八位患者重见光明。",
            "url": "http://127.0.0.1:8000/cataract/u/",
        }
    }

    # when it is announced
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update_announce(campaign_id=campaign.pk, update_key="page-key-zh", texts=texts)

    # then the Chinese title and summary come marked, in English, as not yet translated
    mail = _only_mail(mailoutbox)
    assert mail.subject.endswith(": 本月十八例手术 (not yet translated)")
    assert "十八位患者重见光明。 (not yet translated)" in mail.body
    assert "http://127.0.0.1:8000/cataract/u/" in mail.body


def test_a_repeated_signal_and_redelivered_tasks_send_one_mail_per_donor_and_event(
    beneficiary, partner, verifier, finance_officer, mailoutbox, django_capture_on_commit_callbacks
):
    gift(beneficiary.campaign, 300_000, email="once@example.cn", language=EN)
    release = paid_release(beneficiary=beneficiary, partner=partner, verifier=verifier,
                           finance_officer=finance_officer)  # fmt: skip
    mailoutbox.clear()

    # when the signal is sent twice and every task runs again
    with django_capture_on_commit_callbacks(execute=True):
        release_paid.send(sender=type(release), release_id=release.pk, campaign_id=release.campaign_id)
        release_paid.send(sender=type(release), release_id=release.pk, campaign_id=release.campaign_id)
    notice = DonorNotification.objects.get(event__key=f"release:{release.pk}:paid")
    assert event_fan_out(event_id=notice.event_id) == []
    assert notification_send(notification_id=notice.pk) is False

    # then one row and one mail
    assert len(mailoutbox) == 1
    assert DonorNotification.objects.filter(event__key=f"release:{release.pk}:paid").count() == 1


def test_a_donor_who_unsubscribed_in_one_click_gets_nothing(
    client, beneficiary, partner, verifier, finance_officer, mailoutbox, django_capture_on_commit_callbacks
):
    donation = gift(beneficiary.campaign, 300_000, email="quiet@example.cn", language=EN)
    mailoutbox.clear()

    # when the mail client posts the one-click unsubscribe (RFC 8058): no cookie, no CSRF token
    response = client.post(
        _unsubscribe(donation, EN).removeprefix("http://127.0.0.1:8000"),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "same-origin"

    # and then money from their gift is released and paid
    with django_capture_on_commit_callbacks(execute=True):
        paid_release(
            beneficiary=beneficiary, partner=partner, verifier=verifier, finance_officer=finance_officer
        )

    # then nothing was sent, and the notices say why
    assert mailoutbox == []
    assert set(DonorNotification.objects.values_list("skipped", "sent_at")) == {("preferences", None)}
    assert MailPreferences.objects.get(donor=donation.donor).release_paid is False


def test_opening_the_unsubscribe_link_changes_nothing_until_the_button_is_pressed(client, beneficiary):
    donation = gift(beneficiary.campaign, 50_000, email="scan@example.cn", language=EN)

    response = client.get(_unsubscribe(donation, EN).removeprefix("http://127.0.0.1:8000"))

    assert response.status_code == 200
    assert "Stop these mails" in response.content.decode()
    assert not MailPreferences.objects.exists()


def test_a_forged_unsubscribe_link_is_not_found(client):
    response = client.post("/en/payments/mail/unsubscribe/forged:token/")

    assert response.status_code == 404
    assert not MailPreferences.objects.exists()


def test_a_second_first_unsubscribe_at_once_is_not_a_500(client, beneficiary, monkeypatch):
    # given a donor without preferences, and two one-click unsubscribes posted at once: the first
    # has saved its row while the second still read "no row yet" (review finding 17)
    from payments.notifications import services

    donation = gift(beneficiary.campaign, 50_000, email="twice@example.cn", language=EN)
    url = _unsubscribe(donation, EN).removeprefix("http://127.0.0.1:8000")
    first = client.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert first.status_code == 200
    monkeypatch.setattr(
        services.selectors, "mail_preferences", lambda *, donor: MailPreferences(donor=donor), raising=True
    )

    # when the second lands
    second = client.post(
        url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    # then it is answered like the first and one row says "nothing"
    assert second.status_code == 200
    preferences = MailPreferences.objects.get(donor=donation.donor)
    assert not any(getattr(preferences, kind) for kind in MailPreferences.KINDS)


def test_preferences_turn_off_one_kind_only(
    client, beneficiary, partner, verifier, finance_officer, mailoutbox, django_capture_on_commit_callbacks
):
    from payments.donations.donor_links import donor_token

    donation = gift(beneficiary.campaign, 300_000, email="picky@example.cn", language=EN)
    token = donor_token(donation.donor)
    # every kind but "paid to a partner" stays on
    response = client.post(f"/en/payments/donor/{token}/mail/",
                           {"outcome_verified": "on", "refund_made": "on", "campaign_update": "on"})  # fmt: skip
    assert response.status_code == 302
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        paid_release(
            beneficiary=beneficiary, partner=partner, verifier=verifier, finance_officer=finance_officer
        )

    assert [m.subject for m in mailoutbox] == ["Verified: Surgery performed of Granny Li"]


def test_a_monthly_donor_gets_the_weeks_events_in_one_digest_once_a_week(
    beneficiary, partner, verifier, finance_officer, mailoutbox, django_capture_on_commit_callbacks
):
    # given a monthly donor whose first gift a release pays, a refund of a second gift, an update
    campaign = beneficiary.campaign
    first = gift(campaign, 300_000, email="monthly@example.cn", language=EN, frequency="monthly")
    second = gift(campaign, 10_000, email="monthly@example.cn", language=EN)
    assert MonthlyPlan.objects.get(donor=first.donor).is_running
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        paid_release(
            beneficiary=beneficiary, partner=partner, verifier=verifier, finance_officer=finance_officer
        )
        refund(second, 10_000)
        campaign_update_announce(campaign_id=campaign.pk, update_key="k", texts={
            EN: {"title": "Spring visit", "summary": "We met the patients.", "url": "http://127.0.0.1:8000/en/u/"}})  # fmt: skip
    assert mailoutbox == []  # nothing one by one

    # when the weekly beat task runs
    with django_capture_on_commit_callbacks(execute=True):
        notifications_weekly_digests()

    # then one digest with all four events
    mail = _only_mail(mailoutbox)
    assert mail.subject == "Your gifts this week: 4 pieces of news"
    assert "An outcome your gift pays for was verified" in mail.body
    assert "was paid to Yongzhou Eye Hospital" in mail.body
    assert "¥100 of your gift to" in mail.body
    assert "posted an update: Spring visit" in mail.body
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert NotificationDigest.objects.count() == 1

    # and a new event later the same week waits for next week's digest
    with django_capture_on_commit_callbacks(execute=True):
        campaign_update_announce(campaign_id=campaign.pk, update_key="k2", texts={
            EN: {"title": "Summer", "summary": "", "url": "http://127.0.0.1:8000/en/u2/"}})  # fmt: skip
        notifications_weekly_digests()
    assert len(mailoutbox) == 1
    waiting = DonorNotification.objects.get(event__key="update:k2")
    assert waiting.sent_at is None

    assert digest_send(donor_id=first.donor_id, week=date(2099, 1, 5)) is True  # next week
    assert len(mailoutbox) == 2
    assert "posted an update: Summer" in mailoutbox[1].body


def test_a_notice_whose_task_was_never_queued_is_sent_once_by_the_sweep(
    beneficiary, mailoutbox, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from payments.notifications.tasks import notifications_sweep

    # given a refund notice written while the broker was down (its send task never queued)
    donation = gift(beneficiary.campaign, 50_000, email="late@example.cn", language=EN)
    refund(donation, 10_000)  # no on-commit callbacks run: the signal was never heard
    from payments.notifications.services import refund_made_announce

    refund_id = donation.refunds.get().pk
    event = refund_made_announce(refund_id=refund_id, donation_id=donation.pk)
    event_fan_out(event_id=event.pk)  # rows written; their send tasks lost with the broker
    DonorNotification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    mailoutbox.clear()

    # when the sweep runs twice
    assert notifications_sweep() == 1
    assert notifications_sweep() == 0

    # then one mail
    assert [m.to for m in mailoutbox] == [["late@example.cn"]]


def test_every_donor_with_a_waiting_digest_is_queued_however_many_there_are(beneficiary):
    # given more monthly donors with news waiting than one page of the weekly job (5,000), and
    # the donor with the highest id among them (review finding 7: the cap served the lowest ids)
    from payments.models import DonorProfile, NotificationEvent
    from payments.notifications.services import waiting_digests_queue

    many = 5_001
    donors = DonorProfile.objects.bulk_create(DonorProfile(email=f"m{n}@example.cn") for n in range(many))
    event = NotificationEvent.objects.create(
        kind="release_paid", key="release:0:paid", campaign=beneficiary.campaign
    )
    DonorNotification.objects.bulk_create(
        DonorNotification(donor=d, event=event, in_digest=True) for d in donors
    )

    # when the weekly job runs
    queued = waiting_digests_queue()

    # then each of them gets a digest queued, the last one too
    assert queued == many


def test_an_event_whose_fan_out_was_never_queued_is_fanned_out_by_the_sweep(
    beneficiary, mailoutbox, django_capture_on_commit_callbacks
):
    # given a refund announced while the broker was down: its fan-out task was never queued, so no
    # donor has a row for it (review finding 5)
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from payments.models import NotificationEvent
    from payments.notifications.services import refund_made_announce
    from payments.notifications.tasks import notifications_sweep

    donation = gift(beneficiary.campaign, 50_000, email="outage@example.cn", language=EN)
    refund(donation, 10_000)
    event = refund_made_announce(refund_id=donation.refunds.get().pk, donation_id=donation.pk)
    NotificationEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    mailoutbox.clear()
    assert not DonorNotification.objects.exists()

    # when the sweep runs (on reconnect and on its schedule), twice
    with django_capture_on_commit_callbacks(execute=True):
        notifications_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        notifications_sweep()

    # then the donor's row is written and one mail goes
    assert DonorNotification.objects.filter(event=event).count() == 1
    assert [m.to for m in mailoutbox] == [["outage@example.cn"]]
    assert "payments.notifications.sweep" in settings.CLEARFUND_SWEEPS_ON_CONNECT
