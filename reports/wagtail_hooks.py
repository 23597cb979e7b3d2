from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from reports import admin_views


class ReportsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return admin_views.may_request_reports(request.user)


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = [path("", admin_views.index, name="index")]
    return [path("reports/", include((urls, "reports_admin"), namespace="reports_admin"))]


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(_("PDF reports"), reverse("reports_admin:index"), icon_name="doc-full", order=900)
