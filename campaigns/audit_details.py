"""An audit event's details (``AuditEvent.data``) as people read them, in the reader's language
(issue 13).

The services store details as codes: ``{"pool": 1, "donation": 26, "amount_minor": 50000}``. The
inspect screen shows them as a labelled list instead: each known key has a label here, an amount
in minor units reads as money in the detail's currency (else the subject's, else the site's),
a key that names a record reads as that record's kind and number ("Gift 26", linked to its admin
screen when it has one), a stored choice ("bank", "in_review") reads as its label from the
subject's field, an ISO date as the admin's date format, other text quoted as written, and a
nested dict or list as a nested list. A key without a label reads as its words ("Credit lines"), never as raw snake_case, so a
new detail is never shown as a code and never breaks the screen.

No value here is a beneficiary's private data: services store numbers of records, never their
contents (a registry person reads "Registry person 12", never a name or an ID number).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from campaigns.audit_labels import SUBJECTS
from campaigns.money import Money
from campaigns.person_names import user_name
from campaigns.site_time import site_datetime_text

# The site's currency: a detail whose record has none (campaigns default to it).
SITE_CURRENCY = "CNY"

KEY_LABELS = {
    "account": pgettext_lazy("audit detail", "Ledger account"),
    "active": pgettext_lazy("audit detail", "Active"),
    "after": pgettext_lazy("audit detail", "After"),
    "amount_minor": pgettext_lazy("audit detail", "Amount"),
    "attempts": pgettext_lazy("audit detail", "Attempts"),
    "back_minor": pgettext_lazy("audit detail", "Given back"),
    "before": pgettext_lazy("audit detail", "Before"),
    "captain": pgettext_lazy("audit detail", "Team captain"),
    "channel": pgettext_lazy("audit detail", "Received through"),
    "county": pgettext_lazy("audit detail", "County"),
    "credit_lines": pgettext_lazy("audit detail", "Money-in lines"),
    "currency": pgettext_lazy("audit detail", "Currency"),
    "due": pgettext_lazy("audit detail", "Due"),
    "event": pgettext_lazy("audit detail", "Event"),
    "event_id": pgettext_lazy("audit detail", "Provider's event number"),
    "event_types": pgettext_lazy("audit detail", "Events"),
    "family": pgettext_lazy("audit detail", "Figure"),
    "from": pgettext_lazy("audit detail", "From"),
    "from_minor": pgettext_lazy("audit detail", "Amount before"),
    "goal_minor": pgettext_lazy("audit detail", "Goal"),
    "kept_minor": pgettext_lazy("audit detail", "Kept"),
    "method": pgettext_lazy("audit detail", "Method"),
    "new": pgettext_lazy("audit detail", "New lines"),
    "notice_ends_at": pgettext_lazy("audit detail", "Public notice ends"),
    "owner": pgettext_lazy("audit detail", "Started by"),
    "payment_intent": pgettext_lazy("audit detail", "Provider's payment number"),
    "payout": pgettext_lazy("audit detail", "Paid out by"),
    "posted_minor": pgettext_lazy("audit detail", "In the ledger"),
    "provider_refund_id": pgettext_lazy("audit detail", "Provider's refund number"),
    "reason": pgettext_lazy("audit detail", "Reason"),
    "reference": pgettext_lazy("audit detail", "Reference"),
    "release_status": pgettext_lazy("audit detail", "Release status"),
    "setup_intent": pgettext_lazy("audit detail", "Provider's card setup number"),
    "stages": pgettext_lazy("audit detail", "Stages"),
    "to": pgettext_lazy("audit detail", "To"),
    "to_minor": pgettext_lazy("audit detail", "Amount after"),
    "transfer": pgettext_lazy("audit detail", "Provider's transfer number"),
    "type": pgettext_lazy("audit detail", "Event type"),
    "uncovered_minor": pgettext_lazy("audit detail", "Not covered"),
    "url": pgettext_lazy("audit detail", "Address"),
}

# A key whose value is a record's number: (the record's model, its kind as people read it; None:
# the model's verbose name). The kind labels the detail too ("Gift: Gift 26" reads "Gift 26").
REFERENCES = {
    "campaign": ("campaigns.Campaign", SUBJECTS["campaign"]),
    "captain": ("auth.User", None),
    "donation": ("payments.Donation", SUBJECTS["donation"]),
    "donation_id": ("payments.Donation", SUBJECTS["donation"]),
    "evidence": ("campaigns.Evidence", SUBJECTS["evidence"]),
    "gift": ("payments.OfflineGift", SUBJECTS["offline_gift"]),
    "gift_id": ("payments.Donation", SUBJECTS["donation"]),
    "milestone": ("campaigns.Milestone", SUBJECTS["milestone"]),
    "milestone_id": ("campaigns.Milestone", SUBJECTS["milestone"]),
    "need": ("campaigns.Need", SUBJECTS["need"]),
    "objection": ("payments.Objection", None),
    "offline_gift": ("payments.OfflineGift", SUBJECTS["offline_gift"]),
    "offline_refund": ("payments.OfflineRefund", SUBJECTS["offline_refund"]),
    "owner": ("auth.User", None),
    "partner": ("campaigns.Partner", None),
    "partners": ("campaigns.Partner", None),
    "pay_in": ("payments.PoolPayIn", SUBJECTS["pool_pay_in"]),
    "pool": ("payments.MatchPool", SUBJECTS["pool"]),
    "refund_id": ("payments.Refund", SUBJECTS["refund"]),
    "registry_person": ("campaigns.RegistryPerson", None),
    "release_id": ("payments.Release", SUBJECTS["release"]),
    "subscription": ("integrations.WebhookSubscription", SUBJECTS["webhook_subscription"]),
    "team": ("payments.Team", None),
}
# A key that names a record only for some subjects: a moved gift's "to" is a campaign, while a
# campaign's "to" is its new status.
SUBJECT_REFERENCES = {("payments.Donation", "to"): ("campaigns.Campaign", SUBJECTS["campaign"])}
# A key whose value is a code stored in a field of the subject: (model or None for the subject's
# own, field). A value the field's choices do not know is shown as is.
CHOICES = {
    "channel": (None, "channel"),
    "from": (None, "status"),
    "method": (None, "method"),
    "payout": ("payments.Release", "payout_method"),
    "release_status": ("payments.Release", "status"),
    "to": (None, "status"),
}
# Pairs read in this order (PostgreSQL's jsonb keeps no order: it stores "to" before "from").
FIRST_KEYS = ("from", "to", "from_minor", "to_minor", "before", "after")
# Keys whose values, however nested, are amounts in minor units.
MONEY_KEYS = frozenset({"stages"})
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _ordered(details: dict) -> list[tuple[str, Any]]:
    first = [(k, details[k]) for k in FIRST_KEYS if k in details]
    return first + [(k, v) for k, v in details.items() if k not in FIRST_KEYS]


def _model(label: str | None):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


class AuditDetails:
    """The details of one audit event for one reader (``user``: who may follow links)."""

    def __init__(self, event, *, user=None) -> None:
        self.event = event
        self.user = user
        self.subject_model = _model(event.subject_type)
        self.subject = self._subject()
        data = event.data if isinstance(event.data, dict) else {}
        self.currency = data.get("currency") or getattr(self.subject, "currency", "") or SITE_CURRENCY

    def _subject(self):
        if self.subject_model is None:
            return None
        try:
            return self.subject_model._base_manager.filter(pk=self.event.subject_id).first()
        except (ValueError, TypeError):  # a number of another shape than the model's key
            return None

    def html(self) -> SafeString | str:
        """The details as a labelled list (HTML, every part escaped); "—" when there are none."""
        data = self.event.data
        if not data:
            return "—"
        return self._value("", data)

    # --- one detail -------------------------------------------------------------------------

    def label(self, key: str) -> str:
        if key in KEY_LABELS:
            return str(KEY_LABELS[key])
        reference = REFERENCES.get(key)
        model = _model(reference[0]) if reference is not None else None
        if model is not None:
            return str(reference[1] or capfirst(model._meta.verbose_name))
        field = self._field(None, key)
        if field is not None:  # a campaign's changed terms name its fields ("deadline")
            return str(capfirst(field.verbose_name))
        if key.isdigit():  # a staged grant's stage number
            return pgettext("audit detail", "Stage %(number)s") % {"number": key}
        return capfirst(re.sub(r"_minor$", "", key).replace("_", " "))

    def _field(self, model_label: str | None, name: str):
        model = _model(model_label) if model_label else self.subject_model
        if model is None:
            return None
        try:
            return model._meta.get_field(name)
        except Exception:  # FieldDoesNotExist, or a relation's accessor
            return None

    def _value(self, key: str, value: Any, *, money: bool = False) -> SafeString | str:
        money = money or key in MONEY_KEYS or key.endswith("_minor")
        if isinstance(value, dict):
            return format_html(
                '<dl class="audit-details">{}</dl>',
                format_html_join(
                    "",
                    "<dt>{}</dt><dd>{}</dd>",
                    ((self.label(k), self._value(k, v, money=money)) for k, v in _ordered(value)),
                ),
            )
        if isinstance(value, list | tuple):
            if not value:
                return "—"
            items = ((self._value(key, item, money=money),) for item in value)
            return format_html(
                '<ul class="audit-details">{}</ul>', format_html_join("", "<li>{}</li>", items)
            )
        return self._scalar(key, value, money=money)

    def _scalar(self, key: str, value: Any, *, money: bool) -> SafeString | str:
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if money and isinstance(value, int):
            return str(Money.from_minor(value, self.currency))
        reference = SUBJECT_REFERENCES.get((self.event.subject_type, key)) or REFERENCES.get(key)
        if reference is not None and isinstance(value, int | str) and str(value).isdigit():
            return self._reference(reference, int(value))
        if isinstance(value, str):
            return self._text(key, value)
        return str(value)

    def _text(self, key: str, value: str) -> str:
        if key in CHOICES:
            field = self._field(*CHOICES[key])
            choices = dict(getattr(field, "flatchoices", None) or ())
            if value in choices:
                return str(choices[value])
        if _ISO_DAY.match(value):
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        if _ISO_MOMENT.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return value
            if moment.tzinfo is not None:
                return site_datetime_text(moment)
        # Text as someone wrote it (a reason, a title's English twin): quoted, so where it ends is
        # plain, and its own brackets never run into the next label ("... (Jianghua)” 县（英文）").
        return pgettext("audit detail", "“%(text)s”") % {"text": value}

    def _reference(self, reference: tuple, number: int) -> SafeString | str:
        model_label, kind = reference
        model = _model(model_label)
        if model is None:
            return str(number)
        if model_label == "auth.User":  # a person reads as their name (campaigns.person_names)
            return user_name(model._base_manager.filter(pk=number).first()) or str(number)
        text = pgettext("audit detail", "%(kind)s %(number)s") % {
            "kind": kind or capfirst(model._meta.verbose_name),
            "number": number,
        }
        url = self._admin_url(model, number)
        return format_html('<a href="{}">{}</a>', url, text) if url else text

    def _admin_url(self, model, number: int) -> str | None:
        if self.user is None:
            return None
        from wagtail.admin.admin_url_finder import AdminURLFinder

        instance = model._base_manager.filter(pk=number).first()
        return AdminURLFinder(self.user).get_edit_url(instance) if instance is not None else None


def audit_details_html(event, *, user=None) -> SafeString | str:
    """``event.data`` as a labelled list in the active language (see the module's docstring)."""
    return AuditDetails(event, user=user).html()
