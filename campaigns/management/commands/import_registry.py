from django.core.management.base import BaseCommand, CommandError

from campaigns.registry.importer import RegistryImportError, registry_import
from campaigns.registry.sources import CsvRegistrySource


class Command(BaseCommand):
    help = "Import (sync) the poverty registry from a CSV export. A file with any error imports nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to the CSV export")

    def handle(self, *args, file: str, **options):
        try:
            source = CsvRegistrySource(file)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            report = registry_import(source=source)
        except RegistryImportError as error:
            for problem in error.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(error.errors)} problem(s); nothing was imported.") from None
        r = report
        self.stdout.write(
            f"households: {r.households_added} added, {r.households_changed} changed "
            f"({r.households_exited} exited, {r.heads_changed_phone} heads changed phone), "
            f"{r.households_removed} removed\n"
            f"people: {r.people_added} added, {r.people_changed} changed, {r.people_removed} removed"
        )
