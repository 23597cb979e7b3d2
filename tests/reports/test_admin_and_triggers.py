import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.db import transaction

from campaigns.models import AuditEvent, CampaignStatus, Milestone
from campaigns.verification.signals import outcome_verified
from config.celery import app
from payments.releases.models import Release
from payments.releases.signals import release_paid
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


SIGNALS = {
    "outcome_verified": (outcome_verified, Milestone, "milestone_id"),
    "release_paid": (release_paid, Release, "release_id"),
}


def announce(name: str, campaign_id: int) -> None:
    """Send a domain signal after commit, the way the services do."""
    signal, sender, subject_id = SIGNALS[name]
    transaction.on_commit(lambda: signal.send(sender=sender, campaign_id=campaign_id, **{subject_id: 1}))


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_a_verified_outcome_or_paid_release_regenerates_the_campaign_report_once_per_burst(
    name, broker_mode, django_capture_on_commit_callbacks, settings
):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        announce(name, campaign.pk)
        assert broker_mode == []  # not before commit
    # a burst of further changes schedules nothing more until the first regeneration runs
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            announce(name, campaign.pk)
    assert broker_mode == [(campaign.pk, settings.REPORTS_REGENERATE_DELAY_SECONDS)]


def test_the_delayed_regeneration_requests_the_report_and_reopens_the_window(
    broker_mode, django_capture_on_commit_callbacks, settings
):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    with django_capture_on_commit_callbacks(execute=True):
        announce("release_paid", campaign.pk)
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.regenerate_campaign_report.run(campaign.pk) == 2
    assert ReportRun.objects.filter(campaign=campaign, status=ReportStatus.QUEUED).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        announce("release_paid", campaign.pk)
    assert broker_mode == [(campaign.pk, settings.REPORTS_REGENERATE_DELAY_SECONDS)] * 2


@pytest.mark.parametrize("action", ["milestone.verified", "release.paid", "campaign.approved"])
def test_an_audit_log_entry_alone_regenerates_nothing(
    action, broker_mode, django_capture_on_commit_callbacks
):
    # given a campaign whose milestone and release ids an audit entry could name
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    # when only the audit log records the action (no domain signal)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        AuditEvent.objects.create(
            action=action, subject_type="campaigns.Campaign", subject_id=str(campaign.pk)
        )
    # then no report is scheduled
    assert callbacks == []
    assert broker_mode == []
    assert cache.get(receivers.pending_key(campaign.pk)) is None


def test_a_signal_from_another_sender_regenerates_nothing(broker_mode):
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    release_paid.send(sender=Milestone, campaign_id=campaign.pk, release_id=1)
    outcome_verified.send(sender=Release, campaign_id=campaign.pk, milestone_id=1)
    assert broker_mode == []


def test_verifying_and_paying_through_the_services_send_the_domain_signals_after_commit(
    verifier, finance_officer, private_root, django_capture_on_commit_callbacks
):
    from tests.factories import PartnerFactory
    from tests.reports.factories import captured_donation, paid_release
    from tests.verification.factories import BeneficiaryFactory

    # given a campaign holding a gift, and receivers recording the domain signals
    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    captured_donation(campaign, email="d@example.com", minor=300_000)
    beneficiary = BeneficiaryFactory(campaign=campaign)
    heard = []

    def on_verified(sender, milestone_id, campaign_id, **kwargs):
        heard.append(("outcome_verified", sender, campaign_id))

    def on_paid(sender, release_id, campaign_id, **kwargs):
        heard.append(("release_paid", sender, campaign_id, release_id))

    outcome_verified.connect(on_verified, sender=Milestone, dispatch_uid="test.on_verified")
    release_paid.connect(on_paid, sender=Release, dispatch_uid="test.on_paid")
    try:
        # when an outcome is verified and its release paid, with the commit callbacks held back
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            release = paid_release(
                beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                finance_officer=finance_officer,
            )  # fmt: skip
        # then nothing is heard before commit, and both signals after it, naming the campaign
        assert heard == []
        for callback in callbacks:
            callback()
    finally:
        outcome_verified.disconnect(sender=Milestone, dispatch_uid="test.on_verified")
        release_paid.disconnect(sender=Release, dispatch_uid="test.on_paid")
    assert heard == [
        ("outcome_verified", Milestone, campaign.pk),
        ("release_paid", Release, campaign.pk, release.pk),
    ]


def test_demo_reports_is_idempotent(private_root, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from tests.reports.factories import captured_donation

    campaign = CampaignFactory(status=CampaignStatus.LIVE)
    captured_donation(campaign, email="demo.donor@example.com", minor=100_000)
    gift(campaign, 5_000)
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


def test_the_reports_screen_names_subjects_and_languages_not_codes():
    from django.utils import translation

    from reports.models import ReportRun

    with translation.override("zh-hans"):
        assert ReportRun(subject="donor:7", language="en").subject_display == "第 7 号捐赠人"
        assert ReportRun(subject="platform", language="zh-hans").subject_display == "整个平台"
        assert ReportRun(subject="donors", language="en").language_display == "英文"
    with translation.override("en"):  # in the reader's language (issue 13)
        assert ReportRun(subject="donors", language="zh-hans").language_display == "Simplified Chinese"
