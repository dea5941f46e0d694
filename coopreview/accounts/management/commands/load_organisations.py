from django.core.management.base import BaseCommand

from coopreview.accounts.services import organisations_load_reference_data


class Command(BaseCommand):
    help = "Create or update the States Parties, the Court's organs and the Assembly's bodies (idempotent)."

    def handle(self, *args, **options) -> None:
        created = organisations_load_reference_data()
        self.stdout.write(self.style.SUCCESS(f"Organisations loaded ({created} new)."))
