from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A verified milestone requests a release; the release tasks register with Celery.
        from payments import receivers_release, tasks_release  # noqa: F401
