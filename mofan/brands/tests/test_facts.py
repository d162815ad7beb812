"""The facts: applications by the day they were submitted, recognitions by the day decided,
per applying org, 0 for an org with none."""

from datetime import date

from mofan.brands.services import four_strong
from mofan.brands.tests.conftest import batch_of, brand_draft, brand_passed, draft
from mofan.core.facts import fact
from mofan.core.periods import Span


def test_brand_applications_and_recognitions_are_counted_per_org_in_the_span(users, tree):
    passed = brand_passed(users, tree.branch)
    brand_draft(users.outsider, tree.other_branch)  # a draft is not an application
    batch_of(users, tree, [passed], on=date(2026, 10, 15))
    orgs = [tree.branch.pk, tree.other_branch.pk]
    assert fact("brands.applied")(org_ids=orgs, span=Span.year(2026)) == {orgs[0]: 1, orgs[1]: 0}
    assert fact("brands.recognised")(org_ids=orgs, span=Span.year(2026)) == {orgs[0]: 1, orgs[1]: 0}
    assert fact("brands.applied")(org_ids=orgs, span=Span.year(2025)) == {orgs[0]: 0, orgs[1]: 0}


def test_four_strong_applications_and_recognitions_are_counted(call, users, tree):
    application = draft(call, users.secretary, tree.branch)
    four_strong.application_submit(actor=users.secretary, application=application)
    draft(call, users.outsider, tree.other_branch)
    orgs = [tree.branch.pk, tree.other_branch.pk]
    span = Span.quarter(2026, 4)
    assert fact("brands.four_strong_applied")(org_ids=orgs, span=span) == {orgs[0]: 1, orgs[1]: 0}
    assert fact("brands.four_strong_recognised")(org_ids=orgs, span=span) == {
        orgs[0]: 0,
        orgs[1]: 0,
    }
    four_strong.application_unit_pass(actor=users.unit_admin, application=application)
    four_strong.application_recognise(actor=users.committee_admin, application=application)
    assert fact("brands.four_strong_recognised")(org_ids=orgs, span=span) == {
        orgs[0]: 1,
        orgs[1]: 0,
    }
