"""Template helpers of the insights app."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def shown(value: int | None) -> SafeString:
    """A figure as published: the number, or 「秘匿」 where suppression hid it."""
    if value is None:
        return format_html(
            '<abbr class="suppressed" title="{}">{}</abbr>',
            _("10未満の数、または10未満の数を割り出せてしまう数のため秘匿"),
            _("秘匿"),
        )
    return format_html("{}", value)


@register.filter
def zip_rows(table: object, labels: list[str]) -> list[tuple[str, object, object]]:
    """Rows of a ShownTable as (label, cells, row total) for the table template."""
    cells = getattr(table, "cells", ())
    totals = getattr(table, "row_totals", ())
    return list(zip(labels, cells, totals, strict=True))
