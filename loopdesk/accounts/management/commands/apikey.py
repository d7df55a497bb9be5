from django.core.management.base import BaseCommand, CommandError

from loopdesk.accounts.models import User
from loopdesk.accounts.services import api_key_create
from loopdesk.core.exceptions import ValidationFailed


class Command(BaseCommand):
    help = "Create an API key: `apikey create --email E [--scopes tickets:read,tickets:write]`."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="CLI key")
        parser.add_argument("--scopes", default="", help="comma-separated; default: all scopes")

    def handle(self, *args, action, email, name, scopes, **options):
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with email {email}")
        scope_list = [s.strip() for s in scopes.replace(" ", ",").split(",") if s.strip()]
        try:
            issued = api_key_create(user=user, name=name, scopes=scope_list or None)
        except ValidationFailed as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Key for {user.email}, scopes: {' '.join(issued.api_key.scopes)}")
        self.stdout.write("Store it now; it is not shown again:")
        self.stdout.write(issued.secret)
