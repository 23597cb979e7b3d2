"""A campaign update published in the CMS reaches the campaign's donors once (issue #12, ADR 0217)."""

import pytest

from payments.models import DonorNotification
from tests.builders import gift
from tests.cms_factories import CampaignPageFactory, CampaignUpdatePageFactory

pytestmark = pytest.mark.django_db


def test_publishing_a_campaign_update_mails_its_donors_once_even_when_published_again(
    index, mailoutbox, django_capture_on_commit_callbacks
):
    # given a campaign page with one donor (Chinese) and a draft update under it
    page = CampaignPageFactory(parent=index)
    gift(page.campaign, 50_000, email="donor@example.cn", language="zh-hans")
    update = CampaignUpdatePageFactory(parent=page, live=False)
    mailoutbox.clear()

    # when the update is published, then edited and published again
    with django_capture_on_commit_callbacks(execute=True):
        update.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        update.summary = "县医院完成了首批 18 例手术，全部复明。"
        update.save_revision().publish()

    # then the donor got one mail, in Chinese, quoting the update and linking to it
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["donor@example.cn"]
    assert mail.subject == f"{page.campaign.title} 的新进展：首批 18 位患者完成手术"
    assert "县医院完成了首批 18 例手术。" in mail.body
    assert f"/{update.slug}/" in mail.body
    assert DonorNotification.objects.filter(event__key=f"update:{update.translation_key}").count() == 1


def test_an_update_of_a_campaign_without_donors_mails_nobody(
    index, mailoutbox, django_capture_on_commit_callbacks
):
    page = CampaignPageFactory(parent=index)
    update = CampaignUpdatePageFactory(parent=page, live=False)

    with django_capture_on_commit_callbacks(execute=True):
        update.save_revision().publish()

    assert mailoutbox == []
    assert not DonorNotification.objects.exists()


def test_an_update_scheduled_for_tomorrow_mails_its_donors_at_go_live_not_when_scheduled(
    index, mailoutbox, django_capture_on_commit_callbacks
):
    # given a campaign page with one donor and a draft update under it (review finding 6)
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from payments.models import NotificationEvent

    page = CampaignPageFactory(parent=index)
    gift(page.campaign, 50_000, email="donor@example.cn", language="zh-hans")
    update = CampaignUpdatePageFactory(parent=page, live=False)
    mailoutbox.clear()

    # when it is published to go live tomorrow
    update.go_live_at = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        revision = update.save_revision()
        revision.publish()

    # then nobody is told yet, and no notice is taken
    update.refresh_from_db()
    assert not update.live
    assert mailoutbox == []
    assert not NotificationEvent.objects.exists()

    # when tomorrow comes and the scheduled revision goes live
    # (no clock to move: the revision's go-live is moved to a minute ago, as tomorrow would see it)
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled")

    # then the donor gets the mail once, with the update's title and link
    update.refresh_from_db()
    assert update.live
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"{page.campaign.title} 的新进展：首批 18 位患者完成手术"
    assert f"/{update.slug}/" in mailoutbox[0].body
