from django.core.management.base import BaseCommand, CommandError

from reports.rendering.health import rendering_health


class Command(BaseCommand):
    help = "Check that reports can render: Pango, a Simplified Chinese font, HarfBuzz subsetting."

    def handle(self, *args, **options):
        checks = rendering_health()
        for check in checks:
            style = self.style.SUCCESS if check.ok else self.style.ERROR
            self.stdout.write(style(f"{'ok' if check.ok else 'MISSING':8} {check.name:16} {check.detail}"))
        if not all(check.ok for check in checks):
            raise CommandError("report rendering is not healthy; see above")
