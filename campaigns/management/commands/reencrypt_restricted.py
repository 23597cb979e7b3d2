from django.core.management.base import BaseCommand, CommandError

from campaigns.encryption import RestrictedDataUnreadable, restricted_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt restricted data under the first key of CLEARFUND_FIELD_ENCRYPTION_KEYS. "
        "Run after adding a new key in front; remove the old key only once this has finished (ADR 0306)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            counts = restricted_reencrypt(batch_size=batch_size)
        except RestrictedDataUnreadable as error:
            raise CommandError(str(error)) from None
        for label, rows in counts.items():
            self.stdout.write(f"{label}: {rows} rows re-encrypted")
