"""What Wagtail's admin prints that its translations cannot reach: the "title: subtitle" heading,
the staff groups' names and the root page's title, shown in the admin user's language (issue 13,
ADR 0405).

- **Headings.** Wagtail joins a screen's title and subtitle with an ASCII colon in Python
  (``WagtailAdminTemplateMixin.get_header_title``: ``f"{title}: {subtitle}"``), so every heading
  and tab title read "编辑项目页面: …", "浏览: 根页面". ``install()`` makes it join them with
  ``label_value``, the project's translated "label: value" pattern ("编辑项目页面：…").
- **Staff groups.** A group's name is the code's role key (``campaigns.roles``: "Editors",
  "Verifiers", …) and Wagtail's own ("Moderators"), so the rows keep it. ``group_label`` gives
  the label people read; ``install()`` makes ``Group.__str__`` return it (the user and task forms'
  checkboxes, the users filter, the group screens' headings) and the groups list show it. Code
  compares ``group.name``, never ``str(group)``.
- **The root page** is stored as "Root" (Wagtail's migration); ``root_title_shown`` shows it as
  "All sites" / "所有站点" wherever Wagtail prints the page's admin title.
- **Permissions.** Django stores each permission's name in English when it migrates ("Can add
  campaign", built from ``verbose_name_raw``), and Wagtail's group screen prints that name (the
  checkboxes' screen-reader labels, the custom and "other" permissions). ``permission_label``
  builds the label in the active language from the codename and the model's translated
  ``verbose_name`` ("可以添加筹款项目"); a permission of another form is looked up as a msgid (our
  ``Meta.permissions`` names are, Wagtail's "Can access Wagtail admin" is). ``install()`` wraps
  Wagtail's ``format_permissions`` tag to pass these labels, and makes ``Permission.__str__``
  return it (Django's "app | model | Can add page" labels the page and collection permission
  checkboxes).
- **Image and collection permissions.** Wagtail builds the group screen's image and collection
  permission formsets when it imports them, with ``gettext``, not ``gettext_lazy``
  (``wagtail/images/forms.py``, ``wagtail/admin/forms/collections.py``): their labels ("Add",
  "Add/edit images you own", every formset's "Collection") froze in the language active then, the site's
  (Chinese), and an English admin read "增加/编辑所属的图片". ``install()`` puts back the same
  msgids, lazy, so Wagtail's catalogue translates them when the screen is drawn.
- **Page choosers.** Wagtail names the page type a chooser takes by appending ``" (" + name + ")"``
  to its button text in Python ("选择一个页面 (项目页面)"); ``install()`` makes it the project's
  translated "text (note)" pattern, evaluated when the button is drawn ("选择一个页面（项目页面）").
- **Time zone.** Staff see every time in the site's zone (``WAGTAIL_USER_TIME_ZONES`` holds only
  it), so Wagtail drops the account page's zone choice, whose script wrote "GMT+8" next to each
  zone; ``install()`` puts back a read-only field naming the site's zone in the reader's language
  with its time now, formatted on the server ("北京时间（UTC+8），现在 10:31").

Each replaced Wagtail method is checked by ``tests/cms/test_admin_language.py`` against the
installed Wagtail, so an upgrade that changes it fails a test instead of silently undoing this.
"""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.utils import formats
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

# Stored group name (the role key) -> the label people read. Literal msgids for makemessages.
GROUP_LABELS = {
    "Editors": pgettext_lazy("staff group", "Editors"),
    "Verifiers": pgettext_lazy("staff group", "Verifiers"),
    "Finance officers": pgettext_lazy("staff group", "Finance officers"),
    "Field officers": pgettext_lazy("staff group", "Field officers"),
    "Partners": pgettext_lazy("staff group", "Partners"),
    "Moderators": pgettext_lazy("staff group", "Moderators"),
}
# The actions Django and Wagtail name permissions by ("Can <action> <verbose_name_raw>").
PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "Can add %(name)s"),
    "change": pgettext_lazy("permission", "Can change %(name)s"),
    "delete": pgettext_lazy("permission", "Can delete %(name)s"),
    "view": pgettext_lazy("permission", "Can view %(name)s"),
    "choose": pgettext_lazy("permission", "Can choose %(name)s"),
    "publish": pgettext_lazy("permission", "Can publish %(name)s"),
    "lock": pgettext_lazy("permission", "Can lock %(name)s"),
    "unlock": pgettext_lazy("permission", "Can unlock %(name)s"),
}
ROOT_TITLE = "Root"
ROOT_LABEL = pgettext_lazy("root page", "All sites")


def group_label(name: str) -> str:
    """A staff group's name as people read it in the active language; a group staff made
    themselves keeps the name they typed."""
    return str(GROUP_LABELS.get(name, name))


def _group_str(self: Group) -> str:
    return group_label(self.name)


def permission_label(permission: Permission) -> str:
    """A permission as people read it in the active language. Its stored ``name`` is English
    whatever the language (Django writes it at migrate time), so the label is built from the
    codename and the model's translated verbose name, or looked up as a msgid."""
    model = permission.content_type.model_class()
    if model is not None:
        for action, pattern in PERMISSION_ACTIONS.items():
            if permission.codename == get_permission_codename(action, model._meta):
                # gettext: a Wagtail model without a verbose name of its own ("locale") has a msgid
                return str(pattern) % {"name": gettext(str(model._meta.verbose_name))}
    return gettext(permission.name)


def _translated_permissions(original):
    """Wagtail's ``format_permissions`` inclusion tag, its labels replaced by ``permission_label``.
    Label-only stand-ins are passed, so no Permission row is changed in memory."""

    def format_permissions(permission_bound_field):
        context = original(permission_bound_field)
        for row in context["object_perms"]:
            # A Wagtail model without a verbose name of its own ("locale") is named by a msgid.
            row["object"] = gettext(row["object"])
            for action in ("add", "change", "delete"):
                if action in row:
                    perm = row[action]["perm"]
                    row[action] = {
                        **row[action],
                        "perm": SimpleNamespace(id=perm.id, name=permission_label(perm)),
                    }
            for custom in row["custom"]:
                custom["name"] = permission_label(custom["perm"])
        context["other_perms"] = [
            (SimpleNamespace(id=perm.id, name=permission_label(perm)), checkbox)
            for perm, checkbox in context["other_perms"]
        ]
        return context

    format_permissions.translated = True
    return format_permissions


def site_zone_choice_text() -> str:
    """The site's zone and its time now, as the account page shows them: "北京时间（UTC+8），现在 10:31"."""
    from campaigns.site_time import site_now, site_zone_name

    now = formats.time_format(site_now(), "TIME_FORMAT")
    return pgettext("time zone", "%(zone)s, now %(time)s") % {"zone": site_zone_name(), "time": now}


def _site_zone_field(original_init):
    def __init__(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        if "current_time_zone" in self.fields:
            return  # more than one zone configured: Wagtail's own choice stays
        stored = self.instance.current_time_zone if self.instance else ""
        self.fields["current_time_zone"] = forms.ChoiceField(
            label=gettext("Current time zone"),
            choices=[(stored or "", site_zone_choice_text())],
            required=False,
            disabled=True,  # the stored value is kept as it is; nothing to choose
            help_text=pgettext("time zone", "Every date and time in the admin is in the site's time zone."),
        )

    __init__.replaced = original_init
    return __init__


def _wagtail_labels_without_translation() -> None:
    """Labels Wagtail derives from a name in English: the sites list's "Port", "Site name", "Root
    page" columns (its model fields' translated verbose names instead) and the group screen's page
    permission "Page" field."""
    from wagtail.models import Site
    from wagtail.sites.views import IndexView as SitesIndexView
    from wagtail.users.forms import PagePermissionsForm

    for column in SitesIndexView.columns:
        if column.name in ("port", "site_name", "root_page"):
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)
    PagePermissionsForm.base_fields["page"].label = gettext_lazy("Page")


# Wagtail's own msgids (its catalogue translates them), by the permission they label: (short,
# long). Called through this alias so makemessages leaves them to Wagtail's catalogue.
wagtails_text = gettext_lazy
FROZEN_PERMISSION_LABELS = {
    "add_image": (wagtails_text("Add"), wagtails_text("Add/edit images you own")),
    "change_image": (wagtails_text("Edit"), wagtails_text("Edit any image")),
    "choose_image": (wagtails_text("Choose"), wagtails_text("Select images in choosers")),
    "add_collection": (wagtails_text("Add"), wagtails_text("Add collections")),
    "change_collection": (wagtails_text("Edit"), wagtails_text("Edit collections")),
    "delete_collection": (wagtails_text("Delete"), wagtails_text("Delete collections")),
}


def _permission_formsets_lazy() -> None:
    """The image and collection permission formsets' labels in the reader's language (see above).
    The list is changed in place: the formset and its checkboxes' labels share it."""
    from wagtail.admin.forms.collections import GroupCollectionManagementPermissionFormSet
    from wagtail.documents.forms import GroupDocumentPermissionFormSet
    from wagtail.images.forms import GroupImagePermissionFormSet

    formsets = (
        GroupImagePermissionFormSet,
        GroupDocumentPermissionFormSet,
        GroupCollectionManagementPermissionFormSet,
    )
    for formset in formsets:
        types = formset.permission_types
        types[:] = [
            (codename, *FROZEN_PERMISSION_LABELS.get(codename, (short, long)))
            for codename, short, long in types
        ]
        formset.form.base_fields["collection"].label = wagtails_text("Collection")


def _page_chooser_bracket(original_init):
    def __init__(self, *args, **kwargs) -> None:
        from wagtail.models import Page

        from campaigns.templatetags.labels import bracketed_text

        original_init(self, *args, **kwargs)
        if len(self.target_models) == 1 and self.target_models[0] is not Page:
            name = self.target_models[0]._meta.verbose_name
            # Lazy: forms are built once, the button is drawn in each reader's language.
            self.choose_one_text = lazy(bracketed_text, str)(
                type(self).choose_one_text, lazy(capfirst, str)(name)
            )

    __init__.replaced = original_init
    return __init__


def _header_title(self) -> str:
    from campaigns.templatetags.labels import label_value

    title = self.get_page_title()
    subtitle = self.get_page_subtitle()
    return label_value(title, subtitle) if subtitle else title


def _root_display_title(original):
    def get_admin_display_title(self) -> str:
        # Only when the row's depth is loaded: a deferred field would cost a query per title.
        if self.__dict__.get("depth") == 1 and (self.draft_title or self.title) == ROOT_TITLE:
            return str(ROOT_LABEL)
        return original(self)

    get_admin_display_title.replaced = original
    return get_admin_display_title


def install() -> None:
    """Called once from ``CmsConfig.ready``."""
    from wagtail.admin.forms.account import LocalePreferencesForm
    from wagtail.admin.ui.tables import TitleColumn
    from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
    from wagtail.admin.widgets import AdminPageChooser
    from wagtail.models import Page
    from wagtail.users.templatetags import wagtailusers_tags
    from wagtail.users.views import groups

    WagtailAdminTemplateMixin.get_header_title = _header_title
    Group.__str__ = _group_str
    groups.IndexView.columns = [
        TitleColumn(
            "name",
            label=groups.IndexView.columns[0].label,
            accessor=_group_str,
            sort_key="name",
            url_name="wagtailusers_groups:edit",
        )
    ]
    if not hasattr(Page.get_admin_display_title, "replaced"):
        Page.get_admin_display_title = _root_display_title(Page.get_admin_display_title)
    Permission.__str__ = permission_label  # the page and collection permission checkboxes' labels
    _wagtail_labels_without_translation()
    _permission_formsets_lazy()
    if not hasattr(wagtailusers_tags.format_permissions, "translated"):
        wagtailusers_tags.format_permissions = _translated_permissions(wagtailusers_tags.format_permissions)
        wagtailusers_tags.register.inclusion_tag(
            "wagtailusers/groups/includes/formatted_permissions.html", name="format_permissions"
        )(wagtailusers_tags.format_permissions)
    if not hasattr(AdminPageChooser.__init__, "replaced"):
        AdminPageChooser.__init__ = _page_chooser_bracket(AdminPageChooser.__init__)
    if not hasattr(LocalePreferencesForm.__init__, "replaced"):
        LocalePreferencesForm.__init__ = _site_zone_field(LocalePreferencesForm.__init__)
