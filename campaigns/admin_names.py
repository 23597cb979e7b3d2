"""One name for one admin screen: its menu item and its title read the same (issue 13)."""


class TitledByMenuLabel:
    """A ``ModelViewSet`` mixin: the list screen's title is the viewset's ``menu_label``.

    Wagtail titles a list screen with the model's ``verbose_name_plural`` ("Webhook 收件箱") while
    the menu names it by ``menu_label`` ("支付服务商事件"). Where the menu's name is the clearer
    one, the screen takes it; elsewhere a viewset sets no ``menu_label`` and both read the
    model's plural name. ``tests/cms/test_admin_menu_names.py`` walks the menu to keep it so."""

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**{"page_title": self.menu_label, **kwargs})
