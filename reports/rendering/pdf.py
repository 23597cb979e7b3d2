"""HTML → PDF with WeasyPrint, fetching nothing from the network.

Everything a report needs is either inline (CSS, charts as tables and SVG) or a local file below a directory we
allow (consented photos in private storage or media). Any other URL is refused and recorded, so a
stray ``<img src="https://…">`` in a story can neither leak who reads the report nor hang a worker
on a slow host.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)


class RefusedURL(ValueError):
    """A resource outside the allowed local directories was requested while rendering."""


def allowed_roots() -> list[Path]:
    roots = [settings.PRIVATE_STORAGE_ROOT, settings.MEDIA_ROOT, *settings.STATICFILES_DIRS]
    return [Path(str(root)).resolve() for root in roots]


class LocalOnlyFetcher(URLFetcher):
    """Serves ``data:`` URLs and ``file:`` URLs below ``roots``; refuses everything else."""

    def __init__(self, roots: list[Path] | None = None) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = roots if roots is not None else allowed_roots()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return URLFetcherResponse(url, body=path.read_bytes())
        # Not logging the full URL: a story's link may carry personal data in its query string.
        self.refused.append(url)
        logger.warning("report rendering refused a %s resource", parts.scheme or "relative")
        raise RefusedURL(f"refused to fetch {parts.scheme or 'relative'} resource while rendering")


def html_to_pdf(
    html: str, *, fetcher: LocalOnlyFetcher | None = None, first_page: int = 1, report_css: bool = False
) -> bytes:
    """Render a complete HTML document (inline CSS, inline SVG) to PDF bytes.

    Fonts are embedded and subset (by HarfBuzz when libharfbuzz-subset is present); the font
    configuration and the pre-subset CJK font are shared by every render of this process
    (``reports.rendering.fonts``). ``first_page`` is the number printed on the first page.
    ``report_css`` adds the reports' stylesheet (``reports/pdf/print.css``, parsed once per
    process): the report templates carry none inline, the campaign poster has its own.
    """
    return _render(html, fetcher=fetcher, first_page=first_page, report_css=report_css)[0]


def _render(
    html: str, *, fetcher: LocalOnlyFetcher | None, first_page: int, report_css: bool
) -> tuple[bytes, int]:
    from reports.rendering.fonts import font_kit

    fetcher = fetcher or LocalOnlyFetcher()
    kit = font_kit()
    # A user stylesheet: above WeasyPrint's defaults, below anything a document says itself.
    sheets = [*kit.stylesheets, kit.report_sheet] if report_css else list(kit.stylesheets)
    if first_page != 1:
        sheets.append(weasyprint.CSS(string=f"@page :first {{ counter-set: page {int(first_page)}; }}"))
    base_url = Path(str(settings.PRIVATE_STORAGE_ROOT)).resolve().as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=kit.config
    )
    pages = len(document.pages)
    return document.write_pdf(pdf_variant=None, uncompressed_pdf=False), pages


def html_parts_to_pdf(
    parts: Sequence[str], *, fetcher: LocalOnlyFetcher | None = None, report_css: bool = True
) -> bytes:
    """Render each complete HTML document on its own and join the PDFs, pages numbered throughout.

    Only one part's layout is in memory at a time, so a long report's peak memory is that of its
    largest part (ADR 0410). Each part embeds its own font subsets. The parts are reports, so the
    reports' stylesheet applies unless ``report_css`` is false. Raises ``ValueError`` when
    ``parts`` is empty.
    """
    if not parts:
        raise ValueError("nothing to render")
    if len(parts) == 1:
        return html_to_pdf(parts[0], fetcher=fetcher, report_css=report_css)
    import pypdf

    writer = pypdf.PdfWriter()
    next_page = 1
    for html in parts:
        pdf, pages = _render(html, fetcher=fetcher, first_page=next_page, report_css=report_css)
        next_page += pages
        writer.append(pypdf.PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
