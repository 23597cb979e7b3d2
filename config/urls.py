from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views

# PostgreSQL unavailable while a middleware runs: 503 + Retry-After instead of 500 (config.faults).
handler500 = "config.faults.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("favicon.ico", cms_views.favicon, name="favicon"),
    # Stripe posts here; the URL never carries a language prefix.
    path("payments/webhooks/", include("payments.webhooks.urls")),
    # The public API (ADR 0414): versioned, outside the language prefixes.
    path("api/", include("api.urls")),
]

if settings.DEBUG or getattr(settings, "CLEARFUND_SERVE_MEDIA", False):
    # Development and the demo (which runs with DEBUG off) serve uploads themselves; production
    # leaves media to the web server.
    from django.views.static import serve as serve_file

    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_file,
                {"document_root": settings.MEDIA_ROOT}),
    ]  # fmt: skip

# Public pages follow the visitor's language: /… is Simplified Chinese, /en/… is English.
urlpatterns += i18n_patterns(
    path("payments/", include("payments.urls")),
    path("reports/", include("reports.urls")),
    path("", include("cms.urls")),
    # Wagtail's utility views, then its page serving with faster routing (cms.routing). The
    # include after them serves no request; it keeps reverse("wagtail_serve") working.
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, cms_views.serve, name="page"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
