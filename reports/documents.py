"""From a run to the final HTML: select the data, draw the charts, fill the template.

Separated from ``rendering.pdf`` so the benchmark can time WeasyPrint alone on the same HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.site_time import site_zone_name
from payments.figures.vocabulary import label as figure_label
from reports.appendix import AppendixPart, split_long_tables
from reports.models import ReportKind, ReportRun
from reports.rendering.charts import Bar, bar_chart, column_chart
from reports.selectors.campaign_impact import CampaignImpact, campaign_impact
from reports.selectors.common import ReportDataError, data_checksum, organisation
from reports.selectors.donor_statement import donor_statement
from reports.selectors.matcher_statement import matcher_statement
from reports.selectors.transparency import Transparency, platform_transparency


@dataclass(frozen=True)
class Document:
    html: str
    data_checksum: str
    # Yearly appendix parts of a long campaign report, each a complete HTML document rendered
    # apart (ADR 0410) and appended to the PDF after ``html``.
    appendix: list[str] = field(default_factory=list)

    @property
    def parts(self) -> list[str]:
        return [self.html, *self.appendix]


def _subject_id(run: ReportRun, prefix: str) -> int:
    value = run.subject.removeprefix(prefix + ":")
    if not value.isdigit():
        raise ReportDataError(f"bad subject {run.subject!r} for a {run.kind} report")
    return int(value)


def _appendix_heading(part: AppendixPart) -> str:
    sections = {
        "disbursements": _("Disbursements"),
        "milestones": _("Outcomes"),
        "beneficiaries": _("Beneficiaries and outcomes"),
    }
    heading = _("Appendix %(year)s: %(section)s") % {"year": part.year, "section": sections[part.section]}
    if part.parts > 1:
        heading += " " + _("(part %(part)s of %(parts)s)") % {"part": part.part, "parts": part.parts}
    return heading


def _campaign_appendix(d: CampaignImpact, context: dict[str, Any]) -> list[str]:
    split = split_long_tables(
        disbursements=d.disbursements,
        milestones=d.milestones,
        beneficiaries=d.beneficiaries,
        max_rows=settings.REPORTS_APPENDIX_ROWS,
    )
    context["appendix"] = split.counts
    context["has_appendix"] = bool(split.parts)
    return [
        render_to_string(
            "reports/pdf/campaign_appendix.html",
            {**context, "part": part, "heading": _appendix_heading(part)},
        )
        for part in split.parts
    ]


def _campaign_context(d: CampaignImpact) -> dict[str, Any]:
    t = d.totals
    # The glossary's figures (docs/glossary.md), with the words every page uses.
    # Matched beside raised: together they are what came into escrow (held + released + refunded).
    names = ("raised", "matched", "held", "approved_unpaid", "paid", "refunded")
    funds = [Bar(figure_label(n), getattr(t, n).to_minor(), str(getattr(t, n))) for n in names]
    # "2026-12" as in the table under the chart: "26-12" read as a day or a year (issue 13)
    months = [Bar(m.month, m.amount.to_minor(), str(m.amount)) for m in d.gifts_by_month[-12:]]
    return {
        "title": _("Campaign impact report"),
        "subtitle": f"{d.title} · {d.kind} · {d.region}",
        "figure_names": [(n, getattr(t, n)) for n in names],
        "funds_chart": bar_chart(funds, title=_("Where the money is")),
        "months_chart": column_chart(months, title=_("Gifts per month (last 12 months)")),
        # Who raised the money and under which filing (ADR 0413), as the campaign's pages show it.
        "campaign_record": Campaign.objects.get(pk=d.campaign_id),
    }


def _transparency_context(d: Transparency) -> dict[str, Any]:
    funnel = [Bar(step.step, step.count, str(step.count)) for step in d.funnel]
    return {
        "title": _("Platform transparency report"),
        "subtitle": d.period or _("All time"),
        "funnel_chart": bar_chart(funnel, title=_("Needs funnel")) if any(s.count for s in d.funnel) else "",
        "match_tables": [
            (_("Match rate by region"), d.match_by_region),
            (_("Match rate by kind"), d.match_by_kind),
        ],
    }


def build_document(run: ReportRun) -> Document:
    """Select the data for ``run`` and render its HTML in the run's language.

    Raises ``ReportDataError`` when the subject does not exist or its data cannot be reported.
    """
    if run.language not in dict(settings.LANGUAGES):
        raise ReportDataError(f"unsupported language {run.language!r}")
    with translation.override(run.language):
        if run.kind == ReportKind.CAMPAIGN_IMPACT:
            data: Any = campaign_impact(campaign_id=_subject_id(run, "campaign"))
            extra = _campaign_context(data)
            template = "reports/pdf/campaign_impact.html"
        elif run.kind == ReportKind.DONOR_STATEMENT:
            data = donor_statement(donor_id=_subject_id(run, "donor"), period=run.period)
            extra = {
                "title": _("Donor statement"),
                "subtitle": data.donor_name,
                "period_label": run.period or _("All time"),
            }
            template = "reports/pdf/donor_statement.html"
        elif run.kind == ReportKind.PLATFORM_TRANSPARENCY:
            data = platform_transparency(period=run.period)
            extra = _transparency_context(data)
            template = "reports/pdf/platform_transparency.html"
        elif run.kind == ReportKind.MATCHER_STATEMENT:
            data = matcher_statement(matcher_id=_subject_id(run, "matcher"))
            extra = {"title": _("Matcher statement"), "subtitle": data.matcher}
            template = "reports/pdf/matcher_statement.html"
        else:
            raise ReportDataError(f"a {run.kind} run has no document of its own")
        checksum = data_checksum(data)
        context = {
            "d": data,
            "org": organisation(),
            "language": run.language,
            "generated_at": timezone.localtime(),
            # The zone as the account page names it, in the reader's language: "北京时间（UTC+8）".
            "timezone": site_zone_name(),
            "data_version": run.data_version,
            "data_checksum": checksum,
            "run_id": run.pk,
            **extra,
        }
        appendix = _campaign_appendix(data, context) if run.kind == ReportKind.CAMPAIGN_IMPACT else []
        html = render_to_string(template, context)
    return Document(html=html, data_checksum=checksum, appendix=appendix)
