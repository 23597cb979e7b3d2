"""Admin edit forms for campaign pages."""

from wagtail.admin.forms import WagtailAdminPageForm


class CampaignPageForm(WagtailAdminPageForm):
    """The campaign page's edit form; on a translation it leaves out the shared terms.

    Only the default-locale page's terms are applied to the shared Campaign (ADR 0100), so a
    translation's term fields would be edited for nothing. They are removed from the form here (as
    Wagtail does for fields a user lacks permission for): their panels are then not shown, and a
    field that is not in the form is never written, so saving keeps the stored values.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.terms_editable:
            for name in self.instance.shared_term_fields:
                self.fields.pop(name, None)
