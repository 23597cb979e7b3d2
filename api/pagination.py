"""Page-number pagination: ``?page=2``; each page says the total count and the next and previous
pages' URLs. ``page_size`` is fixed by ``CLEARFUND_API_PAGE_SIZE`` (no client choice: a client
cannot ask for a page that costs more than the others)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = settings.API_PAGE_SIZE
    page_query_param = "page"
