"""One name for one admin screen: its menu item and its title read the same (issue 13); records
in its lists read in the staff member's language (``reader_column``, ``ReaderIndexView``)."""

from django.utils.text import capfirst
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView


class TitledByMenuLabel:
    """A ``ModelViewSet`` mixin: the list screen's title is the viewset's ``menu_label``.

    Wagtail titles a list screen with the model's ``verbose_name_plural`` ("Webhook 收件箱") while
    the menu names it by ``menu_label`` ("支付服务商事件"). Where the menu's name is the clearer
    one, the screen takes it; elsewhere a viewset sets no ``menu_label`` and both read the
    model's plural name. ``tests/cms/test_admin_menu_names.py`` walks the menu to keep it so."""

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(**{"page_title": self.menu_label, **kwargs})


def reader_column(model, field: str, column_class=None, **kwargs):
    """A list column of ``model.<field>`` in the staff member's language (issue 13): the English
    twin ``<field>_en`` on an English screen, or the Chinese marked "not yet translated"
    (``campaigns.reader_language.reader_str``). Labelled by the field's verbose name, capitalised, unless
    ``label`` is given; ``column_class`` defaults to Wagtail's ``Column`` (``TitleColumn`` and its
    subclasses take the same ``accessor``)."""
    from campaigns.reader_language import reader_str

    # Capitalised as Wagtail's own columns are ("County", not the verbose name's "county").
    kwargs.setdefault("label", capfirst(model._meta.get_field(field).verbose_name))
    return (column_class or Column)(field, accessor=lambda obj: reader_str(obj, field), **kwargs)


class ReaderIndexView(IndexView):
    """A list screen whose plain columns (``list_display`` entries given by name) read a field
    with an English twin (``title``/``title_en``, ``name``/``name_en``...) in the staff member's
    language, as ``reader_column`` does; the first column keeps Wagtail's link and row buttons."""

    def _get_custom_column(self, field_name, column_class=Column, **kwargs):
        # Wagtail's own builder of a named column (the title column goes through it too).
        column = super()._get_custom_column(field_name, column_class, **kwargs)
        if any(f.name == f"{field_name}_en" for f in self.model._meta.get_fields()):
            from campaigns.reader_language import reader_str

            column.accessor = lambda obj: reader_str(obj, field_name)
        return column
