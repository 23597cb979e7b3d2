from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from campaigns import person_names, receivers  # noqa: F401 - connects the signal receivers

        person_names.install()  # a user's name in their language's order ("王芳", "Anna Smith")
