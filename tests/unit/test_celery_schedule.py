"""Every scheduled job names a task the worker knows: a typo or a renamed task would make beat send
messages no worker runs, and the sweep would silently stop."""

from django.conf import settings

from config.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    registered = set(app.tasks)

    missing = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in registered
    }

    assert missing == {}


def test_payments_task_names_stay_what_queued_messages_and_beat_use():
    app.loader.import_default_modules()

    assert {
        "payments.tasks.send_receipt",
        "payments.tasks.send_receipts",
        "payments.tasks.send_monthly_notice",
        "payments.tasks.monthly_renewals",
        "payments.tasks.outbox_run",
        "payments.tasks.outbox_sweep",
        "payments.tasks.webhook_process_task",
        "payments.tasks.webhook_drain",
        "payments.tasks.webhook_sweep",
        "payments.tasks.all_or_nothing_deadlines",
        "payments.release_transfer_run",
        "payments.release_transfer_sweep",
        "payments.reconcile_provider",
        "payments.unit_funding_refresh",
    } <= set(app.tasks)
