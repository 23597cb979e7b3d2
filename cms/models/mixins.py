from __future__ import annotations

from wagtail.models import PageViewRestriction


class CachedViewRestrictionsMixin:
    """For page models: no restriction query while no page anywhere is private.

    Wagtail checks the restrictions of a page and its ancestors on every view (two queries).
    While no restriction exists anywhere (``cms.routing.any_view_restriction``, cached) the
    answer is the empty set, whatever the page or its aliases.
    """

    def get_view_restrictions(self):
        from cms.routing import any_view_restriction

        if not any_view_restriction():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
