import re
from datetime import timedelta

import pytest
from django.core import mail

from campaigns.models import CampaignStatus
from payments.donations.receipts import format_receipt_number as receipt_number
from payments.models import DonorProfile
from reports import services
from reports.models import ReportKind, ReportRun, ReportStatus
from reports.tasks import statement_link
from tests.factories import CampaignFactory, PartnerFactory
from tests.reports.conftest import pdf_text
from tests.reports.factories import captured_donation, paid_release
from tests.verification.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def donor_gifts():
    cataract = CampaignFactory(title="白内障复明手术 永州", status=CampaignStatus.LIVE)
    tuition = CampaignFactory(title="助学金 丹寨", slug="tuition-danzhai", status=CampaignStatus.LIVE)
    first = captured_donation(cataract, email="li.hua@example.com", minor=300_000)
    second = captured_donation(tuition, email="li.hua@example.com", minor=50_000, refunded_minor=12_345)
    other = captured_donation(cataract, email="someone.else@example.com", minor=777_700)
    return first, second, other


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_statement_lists_the_donors_gifts_receipts_and_net_total(
    donor_gifts, language, private_root, django_capture_on_commit_callbacks
):
    first, second, other = donor_gifts
    year = first.captured_at.year
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=first.donor_id, period=str(year), language=language)
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    text = pdf_text(run.file.read())
    assert receipt_number(year=year, donation_id=first.pk) in text
    assert receipt_number(year=year, donation_id=second.pk) in text
    assert receipt_number(year=year, donation_id=other.pk) not in text
    assert "¥3,000" in text and "¥500" in text and "¥123.45" in text
    assert "¥3,376.55" in text  # 3,000 + 500 - 123.45, net of the refund
    assert "¥7,777" not in text  # someone else's gift
    assert "白内障复明手术 永州" in text and "助学金 丹寨" in text
    assert "清源公益基金会" in text  # the organisation on the receipt
    assert f"CFS-{year}-{first.donor_id:08d}" in text


def test_statement_for_an_unknown_donor_fails_readably(private_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=424242, period="2026")
    run.refresh_from_db()
    assert (run.status, run.error, bool(run.file)) == (
        ReportStatus.FAILED,
        "donor 424242 does not exist",
        False,
    )


def test_statements_are_served_only_through_a_valid_signed_link(
    client, donor_gifts, private_root, settings, django_capture_on_commit_callbacks
):
    first = donor_gifts[0]
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=first.donor_id, period="")
    run.refresh_from_db()
    link = statement_link(run.pk).removeprefix(settings.SITE_URL.rstrip("/"))
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"  # the token never leaves for another origin
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    # the public URL of a statement, a tampered token and an expired token all find nothing
    assert client.get(f"/reports/{run.pk}.pdf").status_code == 404
    assert client.get(link[:-3] + "xyz/").status_code == 404
    settings.REPORTS_SIGNED_LINK_MAX_AGE = timedelta(seconds=-1)
    assert client.get(link).status_code == 404


def test_yearly_batch_fans_out_one_statement_per_donor_and_emails_each_once(
    donor_gifts, private_root, django_capture_on_commit_callbacks
):
    year = str(donor_gifts[0].captured_at.year)
    with django_capture_on_commit_callbacks(execute=True):
        parent = services.request_donor_statements(period=year)
    parent.refresh_from_db()
    children = list(parent.children.order_by("subject"))
    assert parent.kind == ReportKind.DONOR_STATEMENT_BATCH
    assert (parent.status, parent.progress) == (ReportStatus.DONE, 100)
    assert len(children) == 2
    assert all(c.status == ReportStatus.DONE for c in children)
    assert sorted(m.to[0] for m in mail.outbox) == ["li.hua@example.com", "someone.else@example.com"]
    assert all(re.search(r"/reports/statements/[^/\s]+/", m.body) for m in mail.outbox)
    # a repeated fan-out (e.g. a redelivered task) creates and sends nothing new
    with django_capture_on_commit_callbacks(execute=True):
        services.fan_out(parent_id=parent.pk, donor_ids=[c.pk for c in DonorProfile.objects.all()])
    assert ReportRun.objects.filter(kind=ReportKind.DONOR_STATEMENT).count() == 2
    assert len(mail.outbox) == 2


def test_fan_out_of_ten_thousand_donors_queues_each_once_without_rendering_inline(
    private_root, django_capture_on_commit_callbacks
):
    # given a batch run over a 10,000-row donor list
    parent = services.request_donor_statements(period="2026", send_email=False)
    donor_ids = list(range(1, 10_001))
    # when it fans out (callbacks captured, not executed: nothing renders here)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = services.fan_out(parent_id=parent.pk, donor_ids=donor_ids)
    # then there is one child per donor, queued in tasks of 20 (ADR 0419), and the parent
    # reports progress
    assert count == 10_000
    assert parent.children.count() == 10_000
    assert len(callbacks) == 10_000 // services.STATEMENTS_PER_TASK
    parent.refresh_from_db()
    assert (parent.status, parent.progress) == (ReportStatus.RUNNING, 0)
    # a failed child (unknown donor) does not hang the batch: it finishes with a readable error
    first = parent.children.order_by("pk").first()
    services.run_fail(run_id=first.pk, error="donor 1 does not exist")
    parent.children.exclude(pk=first.pk).update(status=ReportStatus.DONE, progress=100)
    services.parent_progress(parent_id=parent.pk)
    parent.refresh_from_db()
    assert parent.status == ReportStatus.FAILED
    assert parent.error == "1 of 10000 statements failed; first: donor 1 does not exist"


def test_statement_traces_each_cent_to_the_verified_outcome(
    verifier, finance_officer, private_root, django_capture_on_commit_callbacks
):
    # given a ¥4,000 gift of which ¥3,000 paid for a verified surgery at the hospital
    campaign = CampaignFactory(title="白内障复明手术 江华", status=CampaignStatus.LIVE)
    donation = captured_donation(campaign, email="wang.fang@example.com", minor=400_000)
    patient = BeneficiaryFactory(campaign=campaign, pseudonym="盘奶奶", pseudonym_en="Grandma Pan")
    hospital = PartnerFactory(name="江华县人民医院", name_en="Jianghua Hospital")
    paid_release(
        beneficiary=patient, partner=hospital, verifier=verifier,
        finance_officer=finance_officer,
    )  # fmt: skip
    # when the donor's statement is generated
    with django_capture_on_commit_callbacks(execute=True):
        run = services.request_donor_statement(donor_id=donation.donor_id, period="", language="en")
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE, run.error
    text = re.sub(r"\s+", "", pdf_text(run.file.read()))  # table cells wrap
    # then the trace names the partner, the pseudonym (in English: ADR 0403) and the outcome, and
    # what is still held; the campaign without an English title is marked
    number = receipt_number(year=donation.captured_at.year, donation_id=donation.pk)
    assert (
        f"{number}Paidtopartners¥3,000JianghuaHospitalGrandmaPanSurgeryperformed" in text
    )  # docs/glossary.md
    assert "白内障复明手术江华(notyettranslated)" in text
    assert f"{number}Heldinescrow¥1,000" in text


def test_a_failed_email_is_retried_and_not_marked_sent(
    donor_gifts, private_root, monkeypatch, django_capture_on_commit_callbacks
):
    import smtplib

    from celery.exceptions import Retry

    from reports import tasks

    with django_capture_on_commit_callbacks(execute=False):
        run = services.request_donor_statement(donor_id=donor_gifts[0].donor_id, period="")
    with django_capture_on_commit_callbacks(execute=False):
        tasks.generate_report.apply(args=[run.pk])

    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr(tasks, "send_site_mail", smtp_down)
    monkeypatch.setattr(tasks.email_donor_statement, "retry", lambda exc, countdown: Retry(exc=exc))
    with pytest.raises(Retry):
        tasks.email_donor_statement.run(run.pk)
    run.refresh_from_db()
    assert run.emailed_at is None
    assert mail.outbox == []
    monkeypatch.undo()
    assert tasks.email_donor_statement.run(run.pk) is True
    assert tasks.email_donor_statement.run(run.pk) is False  # sent once
    assert [m.to for m in mail.outbox] == [["li.hua@example.com"]]
