from django.core.management.base import BaseCommand, CommandError

from reports.rendering.fonts import WEIGHTS, FontSourceMissing, build_subset, reset_font_kit, subset_path


class Command(BaseCommand):
    help = (
        "Write the pre-subset Chinese font reports embed (Noto Sans CJK SC cut to GB 2312, about a "
        "minute per weight). Run once per machine at deploy; workers started afterwards use it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild files that already exist")

    def handle(self, *args, force=False, **options):
        for weight in WEIGHTS:
            path = subset_path(weight)
            if path.is_file() and not force:
                self.stdout.write(f"exists   {path}")
                continue
            try:
                build_subset(weight)
            except FontSourceMissing as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"written  {path} ({path.stat().st_size:,} bytes)"))
        reset_font_kit()
