"""Audit action codes and subject types as people read them, in the reader's language (issue 13).

An action code is ``<subject>.<event>`` ("need.translation_changed"): both halves have a label
here; a half without one reads as its words ("card updated"), so a new code is never shown raw
and never breaks the list."""

from django.apps import apps
from django.utils.translation import pgettext_lazy

from campaigns.templatetags.labels import label_value

SUBJECTS = {
    "bank_statement": pgettext_lazy("audit subject", "Bank statement"),
    "beneficiary": pgettext_lazy("audit subject", "Beneficiary"),
    "campaign": pgettext_lazy("audit subject", "Campaign"),
    "dispute": pgettext_lazy("audit subject", "Dispute"),
    "donation": pgettext_lazy("audit subject", "Gift"),
    "evidence": pgettext_lazy("audit subject", "Evidence"),
    "grant": pgettext_lazy("audit subject", "Staged grant"),
    "ledger": pgettext_lazy("audit subject", "Ledger"),
    "match": pgettext_lazy("audit subject", "Match of a gift"),
    "milestone": pgettext_lazy("audit subject", "Outcome"),
    "monthly": pgettext_lazy("audit subject", "Monthly gift"),
    "need": pgettext_lazy("audit subject", "Need"),
    "offline_gift": pgettext_lazy("audit subject", "Offline gift"),
    "offline_refund": pgettext_lazy("audit subject", "Offline refund"),
    "payout": pgettext_lazy("audit subject", "Payout"),
    "pool": pgettext_lazy("audit subject", "Matching pool"),
    "pool_pay_in": pgettext_lazy("audit subject", "Pool pay-in"),
    "pool_return": pgettext_lazy("audit subject", "Pool leftover returned to the matcher"),
    "refund": pgettext_lazy("audit subject", "Refund"),
    "registry": pgettext_lazy("audit subject", "Registry"),
    "release": pgettext_lazy("audit subject", "Release"),
    "webhook": pgettext_lazy("audit subject", "Webhook"),
    "webhook_delivery": pgettext_lazy("audit subject", "Outbound webhook delivery"),
    "webhook_subscription": pgettext_lazy("audit subject", "Outbound webhook subscription"),
}
EVENTS = {
    "added": pgettext_lazy("audit event", "added"),
    "amount_changed": pgettext_lazy("audit event", "amount changed"),
    "approved": pgettext_lazy("audit event", "approved"),
    "balance_drift": pgettext_lazy("audit event", "balance drift found"),
    "balance_drift_resolved": pgettext_lazy("audit event", "balance drift resolved"),
    "captured": pgettext_lazy("audit event", "captured"),
    "card_paid": pgettext_lazy("audit event", "paid by card"),
    "card_updated": pgettext_lazy("audit event", "card updated"),
    "closed": pgettext_lazy("audit event", "closed"),
    "confirmed": pgettext_lazy("audit event", "confirmed"),
    "created": pgettext_lazy("audit event", "created"),
    "delivered": pgettext_lazy("audit event", "delivered"),
    "draft": pgettext_lazy("audit event", "back to draft"),
    "details_changed": pgettext_lazy("audit event", "details changed"),
    "evidence_rejected": pgettext_lazy("audit event", "evidence rejected"),
    "failed": pgettext_lazy("audit event", "failed"),
    "funded": pgettext_lazy("audit event", "funded"),
    "funding_lost": pgettext_lazy("audit event", "funding lost"),
    "funding_lost_after_delivery": pgettext_lazy("audit event", "funding lost after delivery"),
    "held": pgettext_lazy("audit event", "held"),
    "hold_lapsed": pgettext_lazy("audit event", "hold lapsed"),
    "in_review": pgettext_lazy("audit event", "sent for review"),
    "imported": pgettext_lazy("audit event", "imported"),
    "issued": pgettext_lazy("audit event", "issued"),
    "live": pgettext_lazy("audit event", "published, taking gifts"),
    "made": pgettext_lazy("audit event", "made"),
    "matched": pgettext_lazy("audit event", "matched"),
    "moved": pgettext_lazy("audit event", "moved"),
    "opened": pgettext_lazy("audit event", "opened"),
    "paid": pgettext_lazy("audit event", "paid"),
    "partners_changed": pgettext_lazy("audit event", "partners changed"),
    "planned": pgettext_lazy("audit event", "planned"),
    "proposed": pgettext_lazy("audit event", "proposed"),
    "reduced": pgettext_lazy("audit event", "given back in part"),
    "rejected": pgettext_lazy("audit event", "rejected"),
    "recorded": pgettext_lazy("audit event", "recorded"),
    "reported": pgettext_lazy("audit event", "reported"),
    "requested": pgettext_lazy("audit event", "requested"),
    "replayed": pgettext_lazy("audit event", "replayed"),
    "resolved": pgettext_lazy("audit event", "resolved"),
    "rescheduled": pgettext_lazy("audit event", "rescheduled"),
    "secret_renewed": pgettext_lazy("audit event", "new secret made"),
    "terms_changed": pgettext_lazy("audit event", "terms changed"),
    "transfer_failed": pgettext_lazy("audit event", "transfer failed"),
    "translation_changed": pgettext_lazy("audit event", "translation changed"),
    "uncovered": pgettext_lazy("audit event", "uncovered"),
    "updated": pgettext_lazy("audit event", "updated"),
    "verified": pgettext_lazy("audit event", "verified"),
    "vetted": pgettext_lazy("audit event", "vetted"),
}


def _words(code: str) -> str:
    return code.replace("_", " ")


def audit_action_label(action: str) -> str:
    """ "need.translation_changed" → "Need: translation changed" ("微心愿：译文已修改")."""
    subject, _dot, event = action.partition(".")
    if not event:
        return str(EVENTS.get(subject, _words(subject)))
    return label_value(SUBJECTS.get(subject, _words(subject)), EVENTS.get(event, _words(event)))


def audit_subject_label(subject_type: str) -> str:
    """ "payments.MonthlyPlan" → the model's verbose name ("月捐计划"); an unknown label as is."""
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return subject_type
    return str(model._meta.verbose_name).capitalize()
