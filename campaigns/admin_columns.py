"""Admin list columns shared by the apps' viewsets."""

from wagtail.admin.ui.tables import Column

from campaigns.site_time import site_datetime_text


class SiteMomentColumn(Column):
    """A moment as the admin shows every date and time: in the site's zone, in the language's one
    format ("2026年12月2日 04:45", ``site_datetime_text``; the account page names the zone). Wagtail's
    ``DateColumn`` shows how long ago a moment was, which reads "just now" for a moment still to
    come, such as the end of a release's public notice (issue 13)."""

    def get_value(self, instance) -> str:
        moment = super().get_value(instance)
        return "" if moment is None else site_datetime_text(moment)
