"""Check kept balances and figures against the ledger now, and list open drift alerts (ADR 0211).

Exits with status 1 while any alert is open, so a deploy or a cron wrapper can stop on it.
"""

from django.core.management.base import BaseCommand, CommandError

from payments.figures.balance_check import balances_check
from payments.ledger.models import BalanceDrift


class Command(BaseCommand):
    help = "Recompute balances, figures and donor counts from the ledger and alert on any difference."

    def handle(self, *args, **options):
        opened = balances_check()
        open_drifts = list(BalanceDrift.objects.filter(resolved_at__isnull=True).select_related("account"))
        for drift in open_drifts:
            new = " (new)" if drift in opened else ""
            self.stdout.write(
                f"DRIFT{new} {drift.account.code} {drift.family}: kept {drift.kept_minor}, "
                f"postings {drift.posted_minor}, found {drift.found_at.isoformat()}"
            )
        if open_drifts:
            raise CommandError(
                f"{len(open_drifts)} open balance drift alert(s); releases from those accounts are stopped"
            )
        self.stdout.write("Balances agree with the ledger.")
