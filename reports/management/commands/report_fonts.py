from django.core.management.base import BaseCommand, CommandError

from reports.rendering.fonts import (
    PARTS,
    WEIGHTS,
    FontSourceMissing,
    build_subset,
    reset_font_kit,
    subset_path,
)


class Command(BaseCommand):
    help = (
        "Write the pre-subset Chinese fonts reports embed (Noto Sans CJK SC Regular and Bold, each cut to "
        "GB 2312 level 1 and level 2, 10-30 s per face; ADR 0419). Run once per machine at deploy; workers "
        "started afterwards use them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="rebuild files that already exist")

    def handle(self, *args, force=False, **options):
        for part in PARTS:
            for weight in WEIGHTS:
                path = subset_path(weight, part)
                if path.is_file() and not force:
                    self.stdout.write(f"exists   {path}")
                    continue
                try:
                    build_subset(weight, part)
                except FontSourceMissing as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(self.style.SUCCESS(f"written  {path} ({path.stat().st_size:,} bytes)"))
        reset_font_kit()
