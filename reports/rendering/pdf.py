"""HTML → PDF with WeasyPrint, fetching nothing from the network.

Everything a report needs is either inline (CSS, SVG charts) or a local file below a directory we
allow (consented photos in private storage or media). Any other URL is refused and recorded, so a
stray ``<img src="https://…">`` in a story can neither leak who reads the report nor hang a worker
on a slow host.
"""

from __future__ import annotations

import logging
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


def html_to_pdf(html: str, *, fetcher: LocalOnlyFetcher | None = None) -> bytes:
    """Render a complete HTML document (inline CSS, inline SVG) to PDF bytes.

    Fonts are embedded and subset (by HarfBuzz when libharfbuzz-subset is present).
    """
    fetcher = fetcher or LocalOnlyFetcher()
    base_url = Path(str(settings.PRIVATE_STORAGE_ROOT)).resolve().as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=None, uncompressed_pdf=False)
