"""Seed the demo board once, then print the demo accounts and write demo-accounts.csv."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from terakoya.roster.demo import demo_accounts, seed_demo, write_accounts_csv


class Command(BaseCommand):
    help = "Create the demo board (once) and print its accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the accounts.")

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_demo()
        accounts = demo_accounts()
        path = Path(settings.DATA_DIR) / "demo-accounts.csv"
        write_accounts_csv(path, accounts)
        if created:
            self.stdout.write(self.style.SUCCESS("デモの教育委員会を作成しました。"))
        if not options["quiet"]:
            by_role: dict[str, list[str]] = {}
            for account in accounts:
                by_role.setdefault(account.role, []).append(
                    f"{account.username} / {account.password}"
                )
            self.stdout.write("デモアカウント (username / password):")
            for role, rows in by_role.items():
                shown = rows if len(rows) <= 6 else [*rows[:4], f"… 他 {len(rows) - 4} 件"]
                self.stdout.write(f"  {role}:")
                for row in shown:
                    self.stdout.write(f"    {row}")
        self.stdout.write(f"{len(accounts)} accounts written to {path}")
