"""Admin list columns shared by the apps' viewsets."""

from wagtail.admin.ui.tables import Column

from campaigns.site_time import site_moment_text


class SiteMomentColumn(Column):
    """A moment as ``site_moment_text`` shows it: the clock in the site's zone, with the zone named
    ("2026-12-02 04:45 (UTC+8)"). Wagtail's ``DateColumn`` shows how long ago a moment was, which
    reads "just now" for a moment still to come, such as the end of a release's public notice
    (issue 13)."""

    def get_value(self, instance) -> str:
        moment = super().get_value(instance)
        return "" if moment is None else site_moment_text(moment)
