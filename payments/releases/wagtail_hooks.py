"""Admin screens of releases: the list (grouped in the menu by ``payments.wagtail_hooks``) and the
release screen where finance officers approve, answer objections and record payouts."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import DateColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet

from campaigns.admin_columns import SiteMomentColumn
from payments.releases.admin_views import release_detail_view
from payments.releases.models import Release


class ReleaseViewSet(ModelViewSet):
    name = "releases"
    model = Release
    icon = "resubmit"
    menu_label = _("Releases")
    list_display = [TitleColumn("amount", label=_("Amount"),
                                get_url=lambda r: reverse("release_detail", args=[r.pk])),
                    "partner", "campaign", "status", SiteMomentColumn("notice_ends_at", label=_("Notice ends")),
                    DateColumn("approved_at", label=_("Approved")), DateColumn("paid_at", label=_("Paid"))]  # fmt: skip
    list_filter = ["status", "campaign", "partner"]
    form_fields = []  # state changes only through the release screen (services)


@hooks.register("register_admin_urls")
def register_release_urls():
    return [path("releases/<int:pk>/", release_detail_view, name="release_detail")]
