from django.apps import AppConfig

# Subpackages whose Celery tasks and signal receivers register when the app is ready.
TASK_MODULES = (
    "payments.donations.tasks",
    "payments.webhooks.tasks",
    "payments.refunds.tasks",
    "payments.all_or_nothing.tasks",
    "payments.releases.tasks",
    "payments.reconciliation.tasks",
    "payments.figures.tasks",
    "payments.needs.tasks",
    "payments.notifications.tasks",
    "payments.donor_accounts.tasks",
    "payments.matching.tasks",
    "payments.supporters.tasks",
)
RECEIVER_MODULES = (
    "payments.donations.receivers",
    "payments.releases.receivers",
    "payments.figures.receivers",
    "payments.needs.receivers",
    "payments.notifications.receivers",
    "payments.matching.receivers",
    "payments.supporters.receivers",
)


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from importlib import import_module

        for module in (*TASK_MODULES, *RECEIVER_MODULES, "payments.gateway.checks"):
            import_module(module)
