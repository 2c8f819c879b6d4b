"""Shared fixtures: the personas of STYLE.md live in terakoya/testing.py."""

from __future__ import annotations

import os

from hypothesis import settings as hypothesis_settings

pytest_plugins = ["terakoya.testing"]

# In CI, property tests replay the same examples every run, so a submission's result does not
# depend on luck; locally they explore new examples each run (and keep failures in the
# .hypothesis database). No deadline: the machine is shared and timings are not assertions.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, database=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")
