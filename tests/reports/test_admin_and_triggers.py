import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import transaction

from campaigns.models import AuditEvent, CampaignStatus
from config.celery import app
from reports import receivers, tasks
from reports.models import ReportKind, ReportRun, ReportStatus
from tests.factories import CampaignFactory
from tests.reports.factories import gift

pytestmark = pytest.mark.django_db


def test_editors_see_runs_with_progress_bars(client, editor):
    campaign = CampaignFactory(title="助学金 丹寨", status=CampaignStatus.LIVE)
    ReportRun.objects.create(
        kind=ReportKind.CAMPAIGN_IMPACT, subject=f"campaign:{campaign.pk}", campaign=campaign,
        language="en", data_version="v1", status=ReportStatus.RUNNING, progress=40,
    )  # fmt: skip
    client.force_login(editor)
    response = client.get("/admin/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<progress class="report-progress" max="100" value="40">' in html
    assert "助学金 丹寨" in html
    assert 'http-equiv="refresh"' in html  # refreshes while something is running


def test_an_editor_can_queue_a_campaign_report(client, editor, django_capture_on_commit_callbacks):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            "/admin/reports/", {"kind": ReportKind.CAMPAIGN_IMPACT, "campaign": campaign.pk}
        )
    assert response.status_code == 302
    assert sorted(ReportRun.objects.filter(campaign=campaign).values_list("language", "status")) == [
        ("en", "queued"),
        ("zh-hans", "queued"),
    ]
    assert len(callbacks) == 2  # enqueued after commit; nothing rendered in the request


def test_a_campaign_report_needs_a_campaign(client, editor):
    client.force_login(editor)
    response = client.post("/admin/reports/", {"kind": ReportKind.CAMPAIGN_IMPACT})
    assert response.status_code == 200
    # the admin speaks the site's default language (Chinese): "Choose the campaign to report on."
    assert "请选择要生成报告的项目。" in response.content.decode()
    assert ReportRun.objects.count() == 0


def test_staff_without_a_role_cannot_open_or_trigger(client):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(clerk)
    # Wagtail turns PermissionDenied in admin views into a redirect to the dashboard
    for response in (
        client.get("/admin/reports/"),
        client.post("/admin/reports/", {"kind": ReportKind.PLATFORM_TRANSPARENCY}),
    ):
        assert (response.status_code, response.url) == (302, "/admin/")
    assert ReportRun.objects.count() == 0


@pytest.fixture
def broker_mode(monkeypatch):
    """Pretend tasks go to a broker (not eager) and record the regenerations scheduled."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    cache.delete_many([receivers.pending_key(pk) for pk in range(1, 1000)])
    scheduled = []
    monkeypatch.setattr(
        tasks.regenerate_campaign_report,
        "apply_async",
        lambda args, countdown, **options: scheduled.append((args[0], countdown)),
    )
    yield scheduled
    app.conf.task_always_eager = eager


@pytest.mark.parametrize("action", ["milestone.verified", "release.paid"])
def test_a_verified_outcome_or_paid_release_regenerates_the_campaign_report_once_per_burst(
    action, broker_mode, django_capture_on_commit_callbacks, monkeypatch, settings
):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    monkeypatch.setattr(receivers, "campaign_of", lambda event: campaign.pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        AuditEvent.objects.create(action=action, subject_type="x", subject_id="1")
        assert broker_mode == []  # not before commit
    # a burst of further changes schedules nothing more until the first regeneration runs
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            AuditEvent.objects.create(action=action, subject_type="x", subject_id="2")
    assert broker_mode == [(campaign.pk, settings.REPORTS_REGENERATE_DELAY_SECONDS)]


def test_the_delayed_regeneration_requests_the_report_and_reopens_the_window(
    broker_mode, django_capture_on_commit_callbacks, monkeypatch
):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    monkeypatch.setattr(receivers, "campaign_of", lambda event: campaign.pk)
    with django_capture_on_commit_callbacks(execute=True):
        AuditEvent.objects.create(action="release.paid", subject_type="x", subject_id="1")
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.regenerate_campaign_report.run(campaign.pk) == 2
    assert ReportRun.objects.filter(campaign=campaign, status=ReportStatus.QUEUED).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        AuditEvent.objects.create(action="release.paid", subject_type="x", subject_id="2")
    assert len(broker_mode) == 2


def test_other_audit_events_do_not_regenerate(broker_mode, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        AuditEvent.objects.create(
            action="campaign.approved", subject_type="campaigns.Campaign", subject_id="1"
        )
    assert broker_mode == []


def test_campaign_of_a_paid_release(verifier, finance_officer, private_root):
    from tests.factories import PartnerFactory
    from tests.reports.factories import captured_donation, paid_release
    from tests.verification.factories import BeneficiaryFactory

    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    captured_donation(campaign, email="d@example.com", minor=300_000)
    release = paid_release(
        beneficiary=BeneficiaryFactory(campaign=campaign), partner=PartnerFactory(), verifier=verifier,
        finance_officer=finance_officer,
    )  # fmt: skip
    paid = AuditEvent.objects.get(action="release.paid")
    verified = AuditEvent.objects.get(action="milestone.verified")
    assert receivers.campaign_of(paid) == campaign.pk == receivers.campaign_of(verified)
    assert paid.subject_id == str(release.pk)


def test_demo_reports_is_idempotent(private_root, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from tests.reports.factories import captured_donation

    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    captured_donation(campaign, email="demo.donor@example.com", minor=100_000)
    gift(campaign, 5_000, key="demo-extra")
    with django_capture_on_commit_callbacks(execute=False):
        call_command("demo_reports")
    first = set(ReportRun.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=False):
        call_command("demo_reports")
    assert set(ReportRun.objects.values_list("pk", flat=True)) == first
    kinds = sorted(ReportRun.objects.values_list("kind", flat=True))
    assert kinds == [
        "campaign_impact",
        "campaign_impact",
        "donor_statement",
        "platform_transparency",
        "platform_transparency",
    ]
