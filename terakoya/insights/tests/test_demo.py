"""The demo board gets inspectable mastery parameters and a privacy budget with one release."""

from __future__ import annotations

import pytest

from terakoya.insights import selectors
from terakoya.insights.demo import DEMO_CODES
from terakoya.roster.demo import seed_demo
from terakoya.roster.models import Board


@pytest.mark.django_db
def test_the_demo_seed_fits_the_demo_codes_and_opens_a_budget():
    assert seed_demo()
    board = Board.objects.get(is_demo=True)
    fits = selectors.skill_fit_latest(codes=DEMO_CODES, board=board)
    assert sorted(fits) == sorted(DEMO_CODES)
    assert all(f.n_learners >= 10 and len(f.replicates) == 10 for f in fits.values())
    (ledger,) = selectors.privacy_ledger_for_board(board=board)
    assert ledger.spent == pytest.approx(0.5)
    assert ledger.remaining == pytest.approx(2.5)
