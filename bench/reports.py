"""Benchmarks for reports (not tests). Run from the project root; results go to docs/benchmarks.md (Reports).

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cf_reports_bench REDIS_URL=redis://127.0.0.1:6379/4
    python bench/reports.py seed --donations 10000 --beneficiaries 1000
    python bench/reports.py campaign
    python bench/reports.py statements --donors 1000 --workers 1 2
    python bench/reports.py fonts --rounds 10

``seed`` creates (once) a live campaign with N gifts from N distinct donors and M verified
beneficiaries, each with a verified surgery paid to the hospital. ``campaign`` renders its impact
report in a fresh process (data + template + WeasyPrint + store) and then WeasyPrint alone on the
same final HTML in another fresh process: wall time and peak RSS of each. ``statements`` fans out
one donor statement per donor over real Celery workers and times the batch with 1 and 2 workers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
SLUG = "bench-cataract"


def setup_django() -> None:
    import django

    django.setup()


def seed(donations: int, beneficiaries: int) -> None:
    setup_django()
    from django.db import transaction

    # One transaction: an interrupted seed leaves nothing behind and can simply be run again.
    with transaction.atomic():
        _seed(donations, beneficiaries)


def _seed(donations: int, beneficiaries: int) -> None:
    from datetime import date, timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone

    from campaigns.models import Beneficiary, Campaign, Milestone, Partner
    from campaigns.money import Money
    from payments.ledger.services import Leg, account_for, entry_post, escrow_account
    from payments.models import AccountKind, Donation, DonorProfile, Release

    campaign, created = Campaign.objects.get_or_create(
        slug=SLUG,
        defaults={
            "title": "白内障复明手术 · 基准", "kind": "medical", "region": "湖南省永州市",
            "goal_minor": 3_000_000_000, "unit_cost_minor": 300_000, "unit_label": "one cataract surgery",
            "deadline": date.today() + timedelta(days=365), "status": "live",
        },
    )  # fmt: skip
    if not created:
        print("already seeded")
        return
    started = time.perf_counter()
    hospital = Partner.objects.create(name="永州市眼科医院", kind="hospital", region="湖南省永州市")
    donors = DonorProfile.objects.bulk_create(
        DonorProfile(email=f"bench-donor-{i:05d}@example.com") for i in range(donations)
    )
    now = timezone.now()
    gifts = Donation.objects.bulk_create(
        Donation(
            campaign=campaign, donor=donor, amount_minor=10_000 + (i % 50) * 1_000, currency="CNY",
            status="succeeded", idempotency_key=f"bench-{i}", captured_at=now,
        )
        for i, donor in enumerate(donors)
    )  # fmt: skip
    external = account_for(kind=AccountKind.DONOR_FUNDS, currency="CNY")
    escrow = escrow_account(campaign)
    for gift in gifts:
        amount = Money.from_minor(gift.amount_minor, "CNY")
        entry_post(key=f"donation:{gift.pk}:captured", kind="donation.captured",
                   legs=[Leg(external, -amount), Leg(escrow, amount)])  # fmt: skip
    verifier, _ = User.objects.get_or_create(username="bench-verifier")
    finance, _ = User.objects.get_or_create(username="bench-finance")
    people = Beneficiary.objects.bulk_create(
        Beneficiary(
            campaign=campaign, pseudonym=f"受助人{i:04d}", age_band="65+", county="江华瑶族自治县",
            story="术后恢复良好，已能独立生活。" if i % 4 == 0 else "", story_consent=True,
            status="verified", verified_by=verifier, verified_at=now,
        )
        for i in range(beneficiaries)
    )  # fmt: skip
    milestones = Milestone.objects.bulk_create(
        Milestone(
            beneficiary=b, kind="surgery_performed", amount_minor=300_000, partner=hospital,
            due_date=date.today(), status="verified", verified_by=verifier, verified_at=now,
        )
        for b in people
    )  # fmt: skip
    payable = account_for(kind=AccountKind.PARTNER_PAYABLE, currency="CNY", partner=hospital)
    releases = Release.objects.bulk_create(
        Release(
            milestone=m, campaign=campaign, partner=hospital, amount_minor=300_000, currency="CNY",
            status="paid", notice_ends_at=now, approved_by=finance, approved_at=now, paid_at=now,
        )
        for m in milestones
    )  # fmt: skip
    held = sum(g.amount_minor for g in gifts)
    for release in releases:
        if held < release.amount_minor:
            break
        held -= release.amount_minor
        amount = Money.from_minor(release.amount_minor, "CNY")
        entry_post(key=f"release:{release.pk}:approved", kind="release.approved",
                   legs=[Leg(escrow, -amount), Leg(payable, amount)])  # fmt: skip
    print(f"seeded {donations} gifts, {beneficiaries} beneficiaries in {time.perf_counter() - started:.1f}s")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child_full(html_out: str) -> None:
    """One campaign report end to end, in this (fresh) process."""
    setup_django()
    from campaigns.models import Campaign
    from reports import services
    from reports.documents import build_document
    from reports.models import ReportRun

    campaign = Campaign.objects.get(slug=SLUG)
    ReportRun.objects.filter(campaign=campaign, language="zh-hans").delete()
    (run,) = services.request_campaign_report(campaign.pk, languages=["zh-hans"])  # no worker: not enqueued
    started = time.perf_counter()
    services.run_generate(run_id=run.pk)
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    Path(html_out).write_text(json.dumps(build_document(run).parts), encoding="utf-8")
    pages = run.file.read().count(b"/Type /Page\n") or run.file.read().count(b"/Type /Page")
    print(json.dumps({"seconds": elapsed, "peak_mb": _peak_mb(), "status": run.status,
                      "bytes": run.file.size, "pages_hint": pages}))  # fmt: skip


def child_weasy(html_in: str) -> None:
    """WeasyPrint alone on the same final HTML, same fetcher, in this (fresh) process."""
    setup_django()
    from reports.rendering.pdf import html_parts_to_pdf

    parts = json.loads(Path(html_in).read_text(encoding="utf-8"))
    started = time.perf_counter()
    pdf = html_parts_to_pdf(parts)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": _peak_mb(), "bytes": len(pdf)}))


def _child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def campaign(repeat: int) -> None:
    html = Path(tempfile.mkstemp(suffix=".html")[1])
    for i in range(repeat):
        full = _child("_full", str(html))
        weasy = _child("_weasy", str(html))
        print(f"run {i + 1}: full {full['seconds']:.2f}s peak {full['peak_mb']:.0f} MB | "
              f"WeasyPrint alone {weasy['seconds']:.2f}s peak {weasy['peak_mb']:.0f} MB | "
              f"time ratio {full['seconds'] / weasy['seconds']:.2f} | PDF {full['bytes'] / 1e6:.2f} MB, "
              f"HTML {html.stat().st_size / 1e6:.2f} MB; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    html.unlink()


OLD_FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Noto Sans", "DejaVu Sans", sans-serif'
# print.css as it was before session 9, so that "old" stays what a statement cost then.
OLD_CSS = ROOT / "bench" / "reports_print_before.css"


def _old_statement_html(html: str) -> str:
    """Today's statement HTML as it was rendered before ADR 0410: print.css inline (as it was before
    session 9: ``.mono`` in DejaVu Sans Mono, a bold CJK face, the legal name in bold), every
    language in Noto Sans CJK SC."""
    css = OLD_CSS.read_text(encoding="utf-8")
    for selector in ("html:lang(zh) { font-family: ", "html:lang(en) { font-family: "):
        start = css.index(selector) + len(selector)
        css = css[:start] + OLD_FONTS + css[css.index(";", start) :]
    html = html.replace('class="code"', 'class="mono"')
    html = re.sub(r'<span class="legal-name">(.*?)</span>', r"<strong>\1</strong>", html)
    return html.replace("</head>", f"<style>{css}</style>\n</head>", 1)


def fonts(rounds: int) -> None:
    """A one-gift donor statement, the old way and the new, interleaved in one process (ADR 0410).

    Old: print.css of before session 9 inline in the document, every language set in Noto Sans CJK
    SC, each render building its own font configuration. New: ``html_to_pdf`` with the reports'
    stylesheet (fonts per language, one pre-subset CJK face, one font configuration and one parsed
    stylesheet per process). WeasyPrint only; the HTML is built once per language. Prints medians of
    wall time (the target's measure) and of this process's CPU time (steadier on a shared machine).
    """
    setup_django()
    import statistics

    import weasyprint

    from payments.models import Donation
    from reports.documents import build_document
    from reports.models import ReportKind, ReportRun
    from reports.rendering.fonts import font_kit
    from reports.rendering.pdf import LocalOnlyFetcher, html_to_pdf

    donor = (
        Donation.objects.filter(campaign__slug=SLUG)
        .order_by("donor_id")
        .values_list("donor_id", flat=True)[0]
    )
    print(
        f"pre-subset CJK weights available: {font_kit().subset_weights or 'none (run manage.py report_fonts)'}"
    )
    for language in ("zh-hans", "en"):
        run = ReportRun(kind=ReportKind.DONOR_STATEMENT, subject=f"donor:{donor}", period="", language=language,
                        data_version="bench", pk=0)  # fmt: skip
        html = build_document(run).html
        old_html = _old_statement_html(html)

        def old(old_html: str = old_html) -> bytes:
            return weasyprint.HTML(string=old_html, url_fetcher=LocalOnlyFetcher()).write_pdf()

        def new(html: str = html) -> bytes:
            return html_to_pdf(html, report_css=True)

        old(), new()  # warm imports and caches alike
        wall: dict[str, list[float]] = {"old": [], "new": []}
        cpu: dict[str, list[float]] = {"old": [], "new": []}
        sizes = {}
        for _ in range(rounds):
            for name, render in (("old", old), ("new", new)):
                started, started_cpu = time.perf_counter(), time.process_time()
                sizes[name] = len(render())
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - started_cpu)
        o, n = (statistics.median(wall[k]) * 1000 for k in ("old", "new"))
        oc, nc = (statistics.median(cpu[k]) * 1000 for k in ("old", "new"))
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{language}: old {o:.0f} ms ({sizes['old'] / 1000:.0f} KB) | new {n:.0f} ms "
              f"({sizes['new'] / 1000:.0f} KB) | new/old {n / o:.2f} | CPU old {oc:.0f} ms, new {nc:.0f} ms, "
              f"new/old {nc / oc:.2f} | medians of {rounds}; load {load}")  # fmt: skip


def statements(donors: int, workers: list[int]) -> None:
    setup_django()
    from django.conf import settings

    from config.celery import app
    from payments.models import Donation
    from reports import services
    from reports.models import ReportKind, ReportRun

    ids = list(Donation.objects.filter(campaign__slug=SLUG).order_by("donor_id")
               .values_list("donor_id", flat=True)[:donors])  # fmt: skip
    from bench.common import database_url

    env = dict(os.environ, DATABASE_URL=database_url(), REDIS_URL=settings.REDIS_URL)
    results = {}
    for n in workers:
        ReportRun.objects.filter(
            kind__in=[ReportKind.DONOR_STATEMENT, ReportKind.DONOR_STATEMENT_BATCH]
        ).delete()
        app.control.purge()
        (ROOT / "var").mkdir(exist_ok=True)
        log = open(ROOT / "var" / f"bench-worker-{n}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", str(n), "-P", "prefork",
             "--loglevel=WARNING", "--without-mingle", "--without-gossip", "-n", f"bench{n}@%h"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        time.sleep(8)  # let the worker boot before the clock starts
        # The parent is made here (not by request_donor_statements, whose fan-out task would take
        # every donor) so that exactly ``donors`` statements are timed.
        parent = ReportRun.objects.create(
            kind=ReportKind.DONOR_STATEMENT_BATCH, subject="donors", period="", language="zh-hans",
            data_version=f"bench-{n}-{time.time():.0f}",
        )  # fmt: skip
        started = time.perf_counter()
        services.fan_out(parent_id=parent.pk, donor_ids=ids)
        while True:
            parent.refresh_from_db()
            if parent.status in ("done", "failed"):
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        os.killpg(proc.pid, 15)
        proc.wait(timeout=60)
        log.close()
        done = parent.children.filter(status="done").count()
        results[n] = elapsed
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{n} worker process(es): {donors} statements in {elapsed:.1f}s "
              f"({donors / elapsed:.1f}/s), {done} done, parent {parent.status}; load average {load}")  # fmt: skip
    if len(results) == 2:
        one, two = (results[k] for k in sorted(results))
        print(f"scaling ratio (time with 1 / time with 2): {one / two:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] in ("_full", "_weasy"):
        (child_full if sys.argv[1] == "_full" else child_weasy)(sys.argv[2])
        sys.exit(0)
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seed")
    s.add_argument("--donations", type=int, default=10_000)
    s.add_argument("--beneficiaries", type=int, default=1_000)
    c = sub.add_parser("campaign")
    c.add_argument("--repeat", type=int, default=2)
    f = sub.add_parser("fonts")
    f.add_argument("--rounds", type=int, default=10)
    t = sub.add_parser("statements")
    t.add_argument("--donors", type=int, default=10_000)
    t.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    if args.command == "seed":
        seed(args.donations, args.beneficiaries)
    elif args.command == "campaign":
        campaign(args.repeat)
    elif args.command == "fonts":
        fonts(args.rounds)
    else:
        statements(args.donors, args.workers)
