"""The facts other modules read: reporters by their org, raters (ballots) on the round's org,
and the share of 好 and 较好 by the reporter's org over closed rounds."""

from decimal import Decimal

from mofan.appraisal import ballots, services
from mofan.appraisal.models import Grade
from mofan.appraisal.tests.conftest import all_good
from mofan.core.facts import fact
from mofan.core.periods import Span

YEAR = Span.year(2026)


def test_a_draft_round_counts_nothing(round_, tree):
    assert fact("appraisal.reporters")(org_ids=[tree.unit.pk], span=YEAR) == {tree.unit.pk: 0}


def test_reporters_raters_and_good_share(voting, users, tree):
    round_, codes = voting
    unit_reporter = round_.reporters.get(org=tree.unit)
    grades = all_good(round_)
    ballots.ballot_cast(code=codes[0], grades=grades)
    ballots.ballot_cast(code=codes[1], grades={**grades, unit_reporter.pk: Grade.POOR})
    ballots.ballot_cast(code=codes[2], grades={**grades, unit_reporter.pk: Grade.FAIR})
    ids = [tree.committee.pk, tree.unit.pk, tree.branch.pk, tree.far_branch.pk]
    assert fact("appraisal.reporters")(org_ids=ids, span=YEAR) == {
        tree.committee.pk: 0,
        tree.unit.pk: 1,
        tree.branch.pk: 1,
        tree.far_branch.pk: 0,
    }
    assert fact("appraisal.raters")(org_ids=ids, span=YEAR)[tree.committee.pk] == 3
    share = fact("appraisal.good_share")
    assert share(org_ids=ids, span=YEAR)[tree.unit.pk] is None  # not closed yet
    services.round_step(actor=users.committee_admin, round_=round_)
    shares = share(org_ids=ids, span=YEAR)
    assert shares[tree.unit.pk] == Decimal("66.7") and shares[tree.branch.pk] == 100
    assert shares[tree.far_branch.pk] is None
    assert fact("appraisal.raters")(org_ids=ids, span=Span.year(2025))[tree.committee.pk] == 0
