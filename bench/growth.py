"""Growth: what a gift, a page and a release cost as one campaign grows (issue 11).

Seeds the demo's cataract campaign (``demo_campaigns``) to each size with set-based SQL, one
``INSERT … SELECT FROM generate_series`` per table per batch of 100,000 gifts, and prints, at each
size, the median of a few runs of:

- one ``payment_intent.succeeded`` event: the signed webhook request with its processing (Celery
  eager: inbox, re-fetch, capture entry, receipt, unit funding refresh);
- the worker's processing of one such event alone: the drain of one stored event (ADR 0229),
  the receipt and unit-funding tasks it queues not run (last column);
- ``campaign_totals`` uncached (``campaign_totals_uncached``);
- a release's ``entry_post`` (escrow → partner payable, under the escrow lock);
- the campaign page and the transparency page with the totals cache off (``TOTALS_CACHE_SECONDS
  = 0``, the issue's "uncached": header and fragment caches warm, as between two gifts), and the
  campaign page with every cache empty (an in-process local-memory cache emptied before each
  request, never the shared Redis).

    createdb -h 127.0.0.1 -U postgres cf_scale_bench          # once
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_scale_bench REDIS_URL=redis://127.0.0.1:6379/7
    python bench/growth.py --sizes 1000,10000,100000,1000000

Sizes are totals of captured gifts in the campaign: a run adds only what is missing, so sizes
grow in one database. Each seeded gift is from a donor of its own (the donor count grows too).

What the ledger's triggers guarantee holds for the seeded rows too (ADR 0211): the statement-level
kept-balance trigger runs as it does for any writer (one grouped upsert per batch). The two
per-row triggers, which cost ~1 ms a gift, are switched off for the batch's transaction only
(``ALTER TABLE … DISABLE TRIGGER`` is transactional: no other session ever sees them off) and
their work is done once for the batch: every new entry is checked to balance by one grouped query
(the batch is rolled back if one does not), and the new donors are added to the campaign's donor
rows and its striped donor count by one insert each, in the same statement (each seeded donor has exactly one captured,
unrefunded gift, so each counts). ``manage.py ledger_balances_check`` on the seeded database
compares every kept figure and the donor count with their definitions.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import uuid

from common import django_setup

SEED_BATCH = 100_000

SEED_SQL = """
WITH donors AS (
    INSERT INTO payments_donorprofile (email, link_version, provider_customer_id, created_at)
    SELECT 'growth-' || %(campaign)s || '-' || g || '@example.cn', 1, '', now()
    FROM generate_series(%(first)s, %(last)s) g
    RETURNING id, email
), gifts AS (
    INSERT INTO payments_donation (
        public_id, amount_minor, currency, refunded_minor, frequency, status, display_name, anonymous,
        dedication, public_message, sibling_opt_in, idempotency_key, provider_setup_intent_id,
        provider_payment_method_id, provider_payment_intent_id, provider_charge_id, failure_message,
        created_at, updated_at, captured_at, campaign_id, donor_id, language)
    SELECT gen_random_uuid(), 1000 + (d.id %% 100) * 100, 'CNY', 0, 'one_off', 'succeeded', '', false,
        '', '', false, 'growth:' || d.id, '', '', 'pi_growth_' || d.id, 'ch_growth_' || d.id, '',
        now(), now(), now(), %(campaign)s, d.id, %(language)s
    FROM donors d
    RETURNING id, amount_minor
), entries AS (
    INSERT INTO payments_ledgerentry (key, kind, memo, created_at)
    SELECT 'donation:' || id || ':captured', 'donation.captured', 'growth bench', now() FROM gifts
    RETURNING id, key
), standing AS (
    INSERT INTO payments_campaigndonor (campaign_id, donor_id, counts)
    SELECT %(campaign)s, d.id, true FROM donors d
    RETURNING 1
), counted AS (
    INSERT INTO payments_donorcount (campaign_id, slot, donors)
    SELECT %(campaign)s, pg_backend_pid() %% 16, count(*) FROM standing
    ON CONFLICT (campaign_id, slot) DO UPDATE SET donors = payments_donorcount.donors + EXCLUDED.donors
)
INSERT INTO payments_posting (entry_id, account_id, amount_minor, currency)
SELECT e.id, a.account_id, a.sign * g.amount_minor, 'CNY'
FROM entries e JOIN gifts g ON e.key = 'donation:' || g.id || ':captured'
CROSS JOIN (VALUES (%(donor_funds)s, -1), (%(escrow)s, 1)) AS a(account_id, sign)
"""

# The per-row triggers whose work the batch does set-based (see the module docstring).
ROW_TRIGGERS = [
    ("payments_donation", "campaign_donor_gift_inserted"),
    ("payments_posting", "ledger_posting_balanced"),
]

UNBALANCED_SQL = """
SELECT p.entry_id FROM payments_posting p WHERE p.entry_id > %(after)s
GROUP BY p.entry_id, p.currency HAVING SUM(p.amount_minor) <> 0 LIMIT 1
"""


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import override_settings

    from campaigns.models import Campaign, Partner
    from campaigns.money import Money
    from payments.figures.selectors import campaign_totals_uncached
    from payments.gateway.card import get_gateway
    from payments.gateway.card_fake import sign_payload
    from payments.ledger.models import AccountKind
    from payments.ledger.services import Leg, account_for, entry_post, escrow_account
    from payments.models import Donation, DonationStatus, DonorProfile

    call_command("demo_campaigns", verbosity=0)
    campaign = Campaign.objects.get(slug="cataract-surgery")
    Campaign.objects.filter(pk=campaign.pk).update(status="live")
    campaign.refresh_from_db()
    escrow = escrow_account(campaign)
    donor_funds = account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    payable = account_for(kind=AccountKind.PARTNER_PAYABLE, currency="CNY", partner=Partner.objects.first())
    gateway = get_gateway()
    donor, _ = DonorProfile.objects.get_or_create(email="growth-bench@example.cn")
    client = Client(HTTP_HOST="127.0.0.1")
    page_url = "/campaigns/cataract-surgery/"

    def seeded() -> int:
        return Donation.objects.filter(campaign=campaign, captured_at__isnull=False).count()

    def seed_to(size: int) -> float:
        start = time.perf_counter()
        have = seeded()
        first = DonorProfile.objects.filter(email__startswith=f"growth-{campaign.pk}-").count() + 1
        while have < size:
            n = min(SEED_BATCH, size - have)
            params = {"campaign": campaign.pk, "first": first, "last": first + n - 1, "donor_funds": donor_funds.pk,
                      "escrow": escrow.pk, "language": settings.LANGUAGE_CODE}  # fmt: skip
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT COALESCE(MAX(id), 0) FROM payments_ledgerentry")
                params["after"] = cursor.fetchone()[0]
                for table, trigger in ROW_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
                cursor.execute(SEED_SQL, params)
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys' checks, before ENABLE
                for table, trigger in ROW_TRIGGERS:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
                cursor.execute(UNBALANCED_SQL, params)
                unbalanced = cursor.fetchone()
                assert unbalanced is None, f"seeded ledger entry {unbalanced[0]} does not balance"
            first += n
            have += n
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return time.perf_counter() - start

    def one_event() -> float:
        """Milliseconds of the webhook request that captures one new gift (set-up not timed)."""
        gift = Donation.objects.create(campaign=campaign, donor=donor, amount_minor=5000, currency="CNY",
                                       status=DonationStatus.PROCESSING, idempotency_key=f"growth:{uuid.uuid4()}")  # fmt: skip
        result = gateway.payment_charge_saved(amount=gift.amount, customer_id="cus_growth", payment_method_id="pm_card_visa",
                                              key=f"charge:{gift.pk}:1", metadata={"donation_id": str(gift.public_id)})  # fmt: skip
        payload = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
                   "created": int(time.time()),
                   "data": {"object": {"id": result.id, "metadata": {"donation_id": str(gift.public_id)}}}}  # fmt: skip
        body, header = sign_payload(json.dumps(payload).encode(), secret=settings.STRIPE_WEBHOOK_SECRET)
        ms = median_ms(lambda: _post(client, body, header), 1)
        gift.refresh_from_db()
        assert gift.captured_at is not None, "the event did not capture the gift"
        return ms

    def one_drained() -> float:
        """Milliseconds of the worker's drain of one stored event (ADR 0229): the processing alone;
        the receipt and unit-funding tasks it queues are not run (a worker's other tasks)."""
        from unittest import mock

        from payments.webhooks.drain import webhook_drain

        gift = Donation.objects.create(campaign=campaign, donor=donor, amount_minor=5000, currency="CNY",
                                       status=DonationStatus.PROCESSING, idempotency_key=f"growth:{uuid.uuid4()}")  # fmt: skip
        result = gateway.payment_charge_saved(amount=gift.amount, customer_id="cus_growth", payment_method_id="pm_card_visa",
                                              key=f"charge:{gift.pk}:1", metadata={"donation_id": str(gift.public_id)})  # fmt: skip
        payload = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": "payment_intent.succeeded",
                   "created": int(time.time()),
                   "data": {"object": {"id": result.id, "metadata": {"donation_id": str(gift.public_id)}}}}  # fmt: skip
        body, header = sign_payload(json.dumps(payload).encode(), secret=settings.STRIPE_WEBHOOK_SECRET)
        with mock.patch("payments.webhooks.drain.enqueue"):  # stored only, as when the worker is busy
            _post(client, body, header)
        with mock.patch("payments.outbox.queueing.enqueue"):
            ms = median_ms(webhook_drain, 1)
        gift.refresh_from_db()
        assert gift.captured_at is not None, "the drain did not capture the gift"
        return ms

    def release_post() -> None:
        amount = Money("30", "CNY")
        entry_post(key=f"growth:release:{uuid.uuid4()}", kind="release.approved",
                   legs=[Leg(escrow, -amount), Leg(payable, amount)])  # fmt: skip

    def render(url: str, *, cold: bool = False) -> None:
        if cold:
            cache.clear()  # the in-process cache below, not Redis
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        seconds = seed_to(size)
        with override_settings(
            TOTALS_CACHE_SECONDS=0,
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        ):
            render(page_url)  # warm imports and templates once
            render("/payments/transparency/")
            event_times = [one_event() for _ in range(args.runs)]
            drain_times = [one_drained() for _ in range(args.runs)]
            totals_ms = median_ms(lambda: campaign_totals_uncached(campaign=campaign), args.runs * 4)
            release_ms = median_ms(release_post, args.runs)
            page_ms = median_ms(lambda: render(page_url), args.runs)
            cold_ms = median_ms(lambda: render(page_url, cold=True), args.runs)
            transparency_ms = median_ms(lambda: render("/payments/transparency/"), args.runs)
        totals = campaign_totals_uncached(campaign=campaign)
        rows.append((seeded(), statistics.median(event_times), totals_ms, release_ms, page_ms, transparency_ms,
                     cold_ms, statistics.median(drain_times)))  # fmt: skip
        print(f"seeded to {seeded():,} gifts in {seconds:.1f} s; raised {totals.raised}, donors {totals.donors:,}; "
              f"load average {os.getloadavg()[0]:.2f}; ms: " + ", ".join(f"{v:.1f}" for v in rows[-1][1:]),
              flush=True)  # fmt: skip

    names = ["processing one payment_intent.succeeded (request, Celery eager)", "campaign_totals uncached",
             "release entry_post", "campaign page, uncached render", "transparency page, uncached",
             "campaign page, every cache cold",
             "the worker's drain of one stored event (processing only; its tasks queued, not run)"]  # fmt: skip
    print()
    print("| operation | " + " | ".join(f"{r[0]:,} gifts" for r in rows) + " |")
    print("|---|" + "---|" * len(rows))
    for i, name in enumerate(names, start=1):
        print(f"| {name} | " + " | ".join(f"{r[i]:.1f} ms" for r in rows) + " |")
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    start = time.perf_counter()
    call_command("ledger_balances_check")  # raises (exit 1) if a kept figure differs from the postings
    print(f"ledger_balances_check: {time.perf_counter() - start:.1f} s")


def _post(client, body: bytes, header: str) -> None:
    response = client.post("/payments/webhooks/stripe/", data=body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)  # fmt: skip
    assert response.status_code == 200, response.content


if __name__ == "__main__":
    main()
