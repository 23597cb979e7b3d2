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

Each replaced Wagtail method is checked by ``tests/cms/test_admin_language.py`` against the
installed Wagtail, so an upgrade that changes it fails a test instead of silently undoing this.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.utils.translation import pgettext_lazy

# Stored group name (the role key) -> the label people read. Literal msgids for makemessages.
GROUP_LABELS = {
    "Editors": pgettext_lazy("staff group", "Editors"),
    "Verifiers": pgettext_lazy("staff group", "Verifiers"),
    "Finance officers": pgettext_lazy("staff group", "Finance officers"),
    "Field officers": pgettext_lazy("staff group", "Field officers"),
    "Partners": pgettext_lazy("staff group", "Partners"),
    "Moderators": pgettext_lazy("staff group", "Moderators"),
}
ROOT_TITLE = "Root"
ROOT_LABEL = pgettext_lazy("root page", "All sites")


def group_label(name: str) -> str:
    """A staff group's name as people read it in the active language; a group staff made
    themselves keeps the name they typed."""
    return str(GROUP_LABELS.get(name, name))


def _group_str(self: Group) -> str:
    return group_label(self.name)


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
    from wagtail.admin.ui.tables import TitleColumn
    from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
    from wagtail.models import Page
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
