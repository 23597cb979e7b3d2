"""The needs board end to end: claim → hold → pay → funded (with its ledger link); refusals."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Need, NeedStatus
from campaigns.money import Money
from campaigns.verification.needs import need_post, need_vet
from campaigns.verification.selectors import needs_funnel, needs_match_rate
from payments.donations.models import Donation
from payments.ledger.models import LedgerEntry
from payments.needs.models import NeedGift
from tests.builders import CARD
from tests.verification.factories import BeneficiaryFactory, RegistryPersonFactory


@pytest.fixture(autouse=True)
def _fresh_counters():
    # Claims are counted per address in the shared cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def person(db):
    return RegistryPersonFactory(name="盘秀英", phone="13912345678")


@pytest.fixture
def need(verifier, second_verifier, person):
    beneficiary = BeneficiaryFactory(registry_person=person, pseudonym="盘奶奶", verified_by=verifier)
    proposed = need_post(actor=verifier, beneficiary=beneficiary, title="A wheelchair", kind="mobility",
                         amount=Money("800", "CNY"))  # fmt: skip
    return need_vet(actor=second_verifier, need=proposed, note="Visited")


def _board_entry(client, need) -> str:
    board = client.get(reverse("payments:needs_board")).content.decode()
    return board.split(f'data-need="{need.pk}"', 1)[1].split("</li>", 1)[0]


def _claim(client, need, alias="A teacher"):
    return client.post(reverse("payments:need_claim", kwargs={"pk": need.pk}), {"donor_alias": alias})


def test_a_claim_holds_the_need_and_leads_to_payment_and_the_paid_gift_funds_it(
    client, need, fake_gateway, django_capture_on_commit_callbacks
):
    # when a visitor claims the need
    response = _claim(client, need)
    # then it is held for them and they are sent to pay
    assert response.status_code == 302
    assert response["Location"] == reverse("payments:need_pay", kwargs={"pk": need.pk})
    need.refresh_from_db()
    assert (need.status, need.donor_alias) == (NeedStatus.MATCHED, "A teacher")
    pay = client.get(response["Location"])
    assert pay.status_code == 200 and "A wheelchair" in pay.content.decode()
    # and, until they pay, the public sees it held for payment, not matched, without the name
    held = _board_entry(client, need)
    assert "Held for payment" in held and "Matched" not in held and "A teacher" not in held
    assert dict(needs_funnel())["matched"] == 0 and needs_match_rate(by="kind")[0]["matched"] == 0
    # when they pay (any amount posted is ignored: the need's cost is charged)
    start = client.post(reverse("payments:need_pay_start", kwargs={"pk": need.pk}),
                        {"amount": "1", "email": "donor@example.com", "attempt": str(uuid.uuid4())})  # fmt: skip
    assert start.status_code == 200, start.content
    body = start.json()
    assert (body["status"], body["amount"]) == ("awaiting_card", "800.00")
    donation = Donation.objects.get(public_id=body["donation"])
    assert (donation.amount_minor, donation.earmark_beneficiary_id) == (80_000, need.beneficiary_id)
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, CARD)
    with django_capture_on_commit_callbacks(execute=True):
        charged = client.post(body["charge_url"])
    assert charged.json()["status"] == "succeeded"
    # then the need is funded by that gift, linked to the gift's capture entry in the ledger
    need.refresh_from_db()
    assert (need.status, need.funded_by_gift_id) == (NeedStatus.FUNDED, donation.pk)
    entry = LedgerEntry.objects.get(key=f"donation:{donation.pk}:captured")
    detail = client.get(reverse("payments:need_detail", kwargs={"pk": need.pk})).content.decode()
    assert f"Ledger entry no. {entry.pk}" in detail
    board = client.get(reverse("payments:needs_board")).content.decode()
    assert f"ledger entry no. {entry.pk}" in board
    # and the paid claim is a match: the donor's chosen name is shown and it counts
    paid = _board_entry(client, need)
    assert "Funded" in paid and "A teacher" in paid and "Held for payment" not in paid
    assert dict(needs_funnel())["matched"] == 1 and needs_match_rate(by="kind")[0]["matched"] == 1


def test_a_claim_without_payment_cannot_pay_after_the_hold_and_the_need_is_back_on_the_board(
    client, need, fake_gateway, settings
):
    # given a claim never paid for
    settings.NEEDS_HOLD_MINUTES = 30
    _claim(client, need)
    # when the hold has run out
    Need.objects.filter(pk=need.pk).update(held_until=timezone.now() - timedelta(seconds=1))
    # then the board offers it again at once (read time), without the claimer's name
    board = client.get(reverse("payments:needs_board")).content.decode()
    assert reverse("payments:need_claim", kwargs={"pk": need.pk}) in board
    assert "A teacher" not in board
    # and the claimer can no longer pay against the lapsed hold: nothing is written
    start = client.post(reverse("payments:need_pay_start", kwargs={"pk": need.pk}),
                        {"email": "donor@example.com", "attempt": str(uuid.uuid4())})  # fmt: skip
    assert start.status_code == 409
    assert not Donation.objects.exists() and not NeedGift.objects.exists()
    # and the payment page sends them back to the need's page
    assert client.get(reverse("payments:need_pay", kwargs={"pk": need.pk})).status_code == 302


def test_another_browser_cannot_pay_against_someone_elses_hold(client, need, fake_gateway):
    from django.test import Client

    _claim(client, need)
    other = Client()
    start = other.post(reverse("payments:need_pay_start", kwargs={"pk": need.pk}),
                       {"email": "x@example.com", "attempt": str(uuid.uuid4())})  # fmt: skip
    assert start.status_code == 409
    assert not Donation.objects.exists()
    # and a second claim of the held need is refused
    assert _claim(other, need).status_code == 409


def test_holds_per_client_are_limited_so_one_client_cannot_lock_the_board(
    client, need, verifier, second_verifier, settings
):
    settings.NEEDS_HOLDS_PER_CLIENT = 1
    second = need_vet(actor=second_verifier, note="ok", need=need_post(
        actor=verifier, beneficiary=need.beneficiary, title="Uniform", kind="school", amount=Money("200", "CNY")))  # fmt: skip
    assert _claim(client, need).status_code == 302
    # when the same address claims a second need, then it is refused and the need stays open
    response = _claim(client, second)
    assert response.status_code == 409
    assert Need.objects.get(pk=second.pk).status == NeedStatus.POSTED


def test_claims_per_address_are_rate_limited(client, need, settings):
    settings.NEEDS_CLAIM_RATE = "2/600"
    settings.NEEDS_HOLDS_PER_CLIENT = 10
    assert _claim(client, need).status_code == 302
    Need.objects.filter(pk=need.pk).update(held_until=timezone.now() - timedelta(seconds=1))
    assert _claim(client, need).status_code == 302
    Need.objects.filter(pk=need.pk).update(held_until=timezone.now() - timedelta(seconds=1))
    # the third claim within the window is refused with Retry-After, and holds nothing
    response = _claim(client, need)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Need.objects.get(pk=need.pk).is_open() is True


def test_a_proposed_need_is_neither_listed_nor_claimable(client, verifier, person):
    beneficiary = BeneficiaryFactory(registry_person=person, verified_by=verifier)
    proposed = need_post(actor=verifier, beneficiary=beneficiary, title="Secret stove", kind="household",
                         amount=Money("300", "CNY"))  # fmt: skip
    assert "Secret stove" not in client.get(reverse("payments:needs_board")).content.decode()
    assert client.get(reverse("payments:need_detail", kwargs={"pk": proposed.pk})).status_code == 404
    assert _claim(client, proposed).status_code == 404
    assert Need.objects.get(pk=proposed.pk).status == NeedStatus.PROPOSED


def test_need_pages_show_no_restricted_data(client, need, person):
    _claim(client, need)
    restricted = [
        person.id_number,
        person.phone,
        person.name,
        person.household.village,
        person.household.township,
    ]
    for name in ("payments:needs_board", "payments:need_detail", "payments:need_pay"):
        kwargs = {} if name == "payments:needs_board" else {"pk": need.pk}
        html = client.get(reverse(name, kwargs=kwargs)).content.decode()
        assert [value for value in restricted if value in html] == []
        assert "盘奶奶" in html


def test_the_beat_task_puts_a_lapsed_unpaid_claim_back_on_the_board(client, need):
    from payments.needs.tasks import needs_holds_release

    # given a claim never paid for, whose hold ran out
    _claim(client, need)
    Need.objects.filter(pk=need.pk).update(held_until=timezone.now() - timedelta(seconds=1))
    # when beat runs the task (eager in tests), then the need is posted again, the claimer forgotten
    assert needs_holds_release.delay().result == 1
    need.refresh_from_db()
    assert (need.status, need.donor_alias, need.held_for, need.hold_token) == (NeedStatus.POSTED, "", "", "")
    # and a second run finds nothing to do
    assert needs_holds_release.delay().result == 0


def _paid(need, capture):
    """The need claimed and paid with a card through the services; its gift captured."""
    from campaigns.verification.needs import need_hold
    from payments.donations.services import donation_charge, donation_start_card
    from payments.needs.services import need_gift_create
    from tests.builders import card_gateway

    need = need_hold(need=need, client="client-a", donor_alias="A teacher")
    with card_gateway() as gateway, capture(execute=True):
        donation = need_gift_create(need=need, hold_token=need.hold_token, email="donor@example.com",
                                    attempt=uuid.uuid4())  # fmt: skip
        donation_start_card(donation=donation)
        donation.refresh_from_db()
        gateway.setup_intent_confirm(donation.provider_setup_intent_id, CARD)
        donation_charge(donation=donation)
    need.refresh_from_db()
    assert (need.status, need.funded_by_gift_id) == (NeedStatus.FUNDED, donation.pk)
    return need, Donation.objects.get(pk=donation.pk)


def test_a_need_whose_gift_is_refunded_goes_back_on_the_board_and_cannot_be_delivered(
    client, need, verifier, django_capture_on_commit_callbacks
):
    # given a need funded by a gift (review finding 4)
    from django.core.exceptions import ValidationError

    from campaigns.models import AuditEvent
    from campaigns.verification.needs import need_mark_delivered
    from tests.builders import refund

    need, donation = _paid(need, django_capture_on_commit_callbacks)

    # when finance refunds the gift
    with django_capture_on_commit_callbacks(execute=True):
        refund(donation, 80_000)

    # then the need is no longer funded: back on the board, no ledger link, audited
    need.refresh_from_db()
    assert (need.status, need.funded_by_gift_id, need.funded_at) == (NeedStatus.POSTED, None, None)
    assert AuditEvent.objects.filter(action="need.funding_lost", subject_id=str(need.pk)).count() == 1
    board = client.get(reverse("payments:needs_board")).content.decode()
    assert "ledger entry no." not in board
    # and it cannot be marked delivered with no money behind it
    with pytest.raises(ValidationError):
        need_mark_delivered(need=need, actor=verifier)


def test_a_paid_need_whose_funding_task_was_lost_is_funded_by_the_sweep_and_not_sold_twice(
    client, need, fake_gateway, django_capture_on_commit_callbacks, settings
):
    # given donor A paid for a held need while the broker was down: the capture committed, the
    # task that funds the need was never queued (review finding 5)
    from campaigns.verification.needs import need_hold, need_holds_release
    from payments.donations.services import donation_charge, donation_start_card
    from payments.needs.services import need_gift_create
    from payments.needs.tasks import needs_funding_sweep

    need = need_hold(need=need, client="client-a", donor_alias="A")
    donation = need_gift_create(
        need=need, hold_token=need.hold_token, email="a@example.com", attempt=uuid.uuid4()
    )
    donation_start_card(donation=donation)
    donation.refresh_from_db()
    fake_gateway.setup_intent_confirm(donation.provider_setup_intent_id, CARD)
    donation_charge(donation=donation)  # no on-commit callbacks run: the task is lost
    need.refresh_from_db()
    assert need.status == NeedStatus.MATCHED
    Donation.objects.filter(pk=donation.pk).update(captured_at=timezone.now() - timedelta(minutes=2))

    # when the sweep runs (on reconnect, and every minute)
    assert needs_funding_sweep() == 1
    assert needs_funding_sweep() == 0

    # then A's gift funds the need, and the lapsed-hold task does not put it back on the board
    need.refresh_from_db()
    assert (need.status, need.funded_by_gift_id) == (NeedStatus.FUNDED, donation.pk)
    assert need_holds_release(now=timezone.now() + timedelta(hours=1)) == 0
    assert _claim(client, need, alias="B").status_code != 302
    assert "payments.needs_funding_sweep" in settings.CLEARFUND_SWEEPS_ON_CONNECT
    assert "payments.needs_funding_sweep" in {s["task"] for s in settings.CELERY_BEAT_SCHEDULE.values()}


def test_a_needs_page_has_share_metadata_without_restricted_data(client, need, settings):
    # given a public need (its beneficiary's registry record holds a phone number)
    settings.SITE_URL = "https://give.example.org"
    url = reverse("payments:need_detail", kwargs={"pk": need.pk})

    # when its page is read
    html = client.get(url).content.decode()
    head = html.split("</head>", 1)[0]

    # then a link preview has the need's title and the page's absolute address, and no phone
    assert '<meta property="og:title" content="A wheelchair' in head
    assert f'<meta property="og:url" content="https://give.example.org{url}">' in head
    assert '<meta property="og:image" content="https://give.example.org/static/icons/icon-512.png">' in head
    assert "13912345678" not in head and "盘秀英" not in head
