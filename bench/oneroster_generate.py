"""Write a synthetic OneRoster Japan Profile board file of about N users.

    .venv/bin/python bench/oneroster_generate.py 30000 /tmp/board-30k.zip

Rows are generated lazily and streamed into the ZIP (terakoya.roster.oneroster.builder).
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any


def generate(users: int, path: str) -> Any:
    """Write the file; return its Shape. Django must be set up (the package imports models)."""
    from terakoya.roster.oneroster import spec
    from terakoya.roster.oneroster.builder import Shape, SyntheticRoster, write_zip

    shape = Shape.for_users(users)
    roster = SyntheticRoster(shape)
    write_zip(path, {name: roster.rows(name) for name in spec.IMPORTED}, roster.manifest())
    return shape


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("users", type=int)
    parser.add_argument("path")
    args = parser.parse_args()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
    django.setup()
    started = time.monotonic()
    shape = generate(args.users, args.path)
    print(
        f"{shape.user_count} users, {shape.schools} schools -> {args.path} "
        f"({time.monotonic() - started:.1f}s)"
    )


if __name__ == "__main__":
    main()
