"""Create, list or revoke integration tokens: `manage.py api_token create katsushika "name"`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import ApiToken, Scope
from api.tokens import api_token_create, api_token_revoke
from scheduling.models import Municipality


class Command(BaseCommand):
    help = "Create, list or revoke API tokens for integrations (one municipality each)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Print a new token (shown only this once)")
        create.add_argument("municipality", help="municipality code, e.g. katsushika")
        create.add_argument("name", help="who uses it")
        create.add_argument(
            "--scope",
            action="append",
            choices=[str(scope) for scope in Scope],
            help="what it may do (repeat; default: every scope)",
        )
        sub.add_parser("list", help="List tokens (never their secrets)")
        revoke = sub.add_parser("revoke", help="Revoke a token by id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality with code {options['municipality']!r}")
        token, raw = api_token_create(
            municipality=municipality, name=options["name"], scopes=options.get("scope")
        )
        self.stderr.write(
            f"token {token.pk} for {municipality.code}; store it now, it is not shown again:"
        )
        self.stdout.write(raw)

    def _list(self, options: dict[str, Any]) -> None:
        for token in ApiToken.objects.select_related("municipality").order_by("pk"):
            state = "revoked" if token.revoked_at else "active"
            scopes = ",".join(token.scopes)
            self.stdout.write(
                f"{token.pk}\t{token.municipality.code}\t{token.prefix}…\t{state}\t{scopes}"
                f"\t{token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(f"no token {options['id']}")
        api_token_revoke(token=token)
        self.stdout.write(f"revoked token {token.pk}")
