"""The navigation each role sees, collected from every app's optional ``nav.py``.

An app lists its entries in ``terakoya/<app>/nav.py`` as ``ITEMS: list[NavItem]``; the home
page and the menu show the entries whose roles the signed-in person holds. An entry whose URL
name does not resolve is skipped, so an app can list a page before it exists.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label_ja: str
    label_en: str
    roles: frozenset[str]
    icon: str = ""  # a short emoji or symbol shown on large home-page tiles
    order: int = 100

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "ja").startswith("en") else self.label_ja

    def url(self) -> str | None:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None


@cache
def all_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("terakoya."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.nav":
                raise
            continue
        items.extend(getattr(module, "ITEMS", []))
    return tuple(sorted(items, key=lambda item: (item.order, item.url_name)))


def items_for(roles: set[str]) -> list[tuple[NavItem, str]]:
    """Entries visible to someone holding ``roles``, with their resolved URLs."""
    found = []
    for item in all_items():
        if item.roles & roles:
            url = item.url()
            if url is not None:
                found.append((item, url))
    return found
