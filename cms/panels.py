"""Admin panels for campaign pages."""

from wagtail.admin.panels import HelpPanel


class CampaignRecordPanel(HelpPanel):
    """Shows the editor the binding state of the page's Campaign next to the proposed terms."""

    def __init__(self, **kwargs):
        kwargs.setdefault("template", "cms/admin/campaign_record_panel.html")
        super().__init__(**kwargs)

    class BoundPanel(HelpPanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["campaign"] = getattr(self.instance, "campaign", None) if self.instance.pk else None
            return context
