"""The inspect screen every admin viewset uses: a record as people read it, not as it is stored.

Wagtail's ``InspectView`` prints each field's raw value: a moment in whatever zone the request
happens to be in (UTC: "2026年12月2日 00:01" where the audit log says 08:01), an amount in minor
units ("费用（分） 90000") and internal fields such as a hold token. This view shows moments in
the site's zone in the admin's one format (``site_datetime_text``, ADR 0004), amounts as money
in the record's currency (ADR 0005), a person by their name in their language's order, not
their login (``campaigns.person_names``), and hides fields that mean nothing to a person.
"""

import re
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _
from wagtail.admin.views.generic import InspectView

from campaigns.money import Money
from campaigns.person_names import user_name
from campaigns.site_time import site_datetime_text

# Machinery, not information: a need's hold token and its holder's digest, an idempotency key.
INTERNAL_FIELDS = frozenset({"hold_token", "held_for", "idempotency_key"})

# "cost (minor units)" / "费用（分）" read as "cost" / "费用" once the value is money.
_MINOR_UNITS_SUFFIX = re.compile(r"\s*[（(](minor units|分)[）)]\s*$")


class SiteInspectView(InspectView):
    def get_fields(self):
        return [name for name in super().get_fields() if name not in INTERNAL_FIELDS]

    def get_field_label(self, field_name, field):
        label = super().get_field_label(field_name, field)
        return _MINOR_UNITS_SUFFIX.sub("", str(label)) if field_name.endswith("_minor") else label

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):  # "已隐藏 False" read as a code
            return _("Yes") if value else _("No")
        if isinstance(value, datetime):
            return site_datetime_text(value)
        if isinstance(value, AbstractBaseUser):  # "王芳", not the login "editor"
            return user_name(value)
        currency = getattr(self.object, "currency", None)
        if field_name.endswith("_minor") and isinstance(value, int) and currency:
            return Money.from_minor(value, currency)
        return value
