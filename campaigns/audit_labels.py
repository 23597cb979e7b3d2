"""Audit action codes and subject types as people read them, in the reader's language (issue 13).

An action code is ``<subject>.<event>`` ("need.translation_changed"): both halves have a label
here; a half without one reads as its words ("card updated"), so a new code is never shown raw
and never breaks the list."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from campaigns.templatetags.labels import labelled

SUBJECTS = {
    "beneficiary": _("Beneficiary"),
    "campaign": _("Campaign"),
    "dispute": _("Dispute"),
    "donation": _("Gift"),
    "evidence": _("Evidence"),
    "grant": _("Staged grant"),
    "ledger": _("Ledger"),
    "milestone": _("Outcome"),
    "monthly": _("Monthly gift"),
    "need": _("Need"),
    "payout": _("Payout"),
    "refund": _("Refund"),
    "registry": _("Registry"),
    "release": _("Release"),
    "webhook": _("Webhook"),
}
EVENTS = {
    "added": _("added"),
    "amount_changed": _("amount changed"),
    "approved": _("approved"),
    "balance_drift": _("balance drift found"),
    "balance_drift_resolved": _("balance drift resolved"),
    "captured": _("captured"),
    "card_updated": _("card updated"),
    "created": _("created"),
    "delivered": _("delivered"),
    "details_changed": _("details changed"),
    "evidence_rejected": _("evidence rejected"),
    "failed": _("failed"),
    "funded": _("funded"),
    "funding_lost": _("funding lost"),
    "funding_lost_after_delivery": _("funding lost after delivery"),
    "held": _("held"),
    "hold_lapsed": _("hold lapsed"),
    "imported": _("imported"),
    "issued": _("issued"),
    "matched": _("matched"),
    "moved": _("moved"),
    "opened": _("opened"),
    "paid": _("paid"),
    "partners_changed": _("partners changed"),
    "planned": _("planned"),
    "proposed": _("proposed"),
    "rejected": _("rejected"),
    "reported": _("reported"),
    "requested": _("requested"),
    "rescheduled": _("rescheduled"),
    "terms_changed": _("terms changed"),
    "transfer_failed": _("transfer failed"),
    "translation_changed": _("translation changed"),
    "uncovered": _("uncovered"),
    "updated": _("updated"),
    "verified": _("verified"),
    "vetted": _("vetted"),
}


def _words(code: str) -> str:
    return code.replace("_", " ")


def audit_action_label(action: str) -> str:
    """ "need.translation_changed" → "Need: translation changed" ("微心愿：译文已修改")."""
    subject, _dot, event = action.partition(".")
    if not event:
        return str(EVENTS.get(subject, _words(subject)))
    return labelled(SUBJECTS.get(subject, _words(subject)), EVENTS.get(event, _words(event)))


def audit_subject_label(subject_type: str) -> str:
    """ "payments.MonthlyPlan" → the model's verbose name ("月捐计划"); an unknown label as is."""
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return subject_type
    return str(model._meta.verbose_name).capitalize()
