from django.core.management.base import BaseCommand, CommandError

from loopdesk.accounts.models import Role, User
from loopdesk.accounts.services import user_create
from loopdesk.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = "Create an admin user (or reset the password of an existing one)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args, email, password, name, **options):
        if len(password) < 8:
            raise CommandError("The password must have at least 8 characters.")
        existing = User.objects.filter(email=email.strip().lower()).first()
        if existing:
            existing.set_password(password)
            existing.role = Role.ADMIN
            existing.is_staff = existing.is_superuser = existing.is_active = True
            existing.save()
            self.stdout.write(f"Updated admin {existing.email}")
            return
        try:
            user = user_create(email=email, password=password, display_name=name, role=Role.ADMIN)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Created admin {user.email}")
