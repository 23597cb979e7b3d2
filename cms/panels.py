"""Admin panels for campaign pages."""

from wagtail.admin.panels import HelpPanel
from wagtail.models import Locale


class CampaignRecordPanel(HelpPanel):
    """Shows the editor the binding state of the page's Campaign next to the proposed terms; on a
    translation, says where the terms are set instead (its own term fields are not offered)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "cms/admin/campaign_record_panel.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            context["campaign"] = getattr(page, "campaign", None) if page.pk else None
            if not page.terms_editable:
                default = Locale.get_default()
                context["terms_language"] = default.get_display_name()
                context["terms_page"] = page.get_translation_or_none(default)
            return context
