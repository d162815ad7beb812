"""A record-based point on a unit's sheet links to the records behind it: the list page of the
unit's sub-tree over the round's period."""

from datetime import date

from mofan.assessment import rounds, services


def test_a_record_based_item_links_to_the_meetings_it_counts(users, tree, ready_scheme, login):
    services.scheme_publish(actor=users.committee_admin, scheme=ready_scheme)
    round_ = rounds.round_create(
        actor=users.committee_admin,
        scheme=ready_scheme,
        name="2026 年度考评",
        kind="annual",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    rounds.round_open(actor=users.committee_admin, round_=round_)
    page = login(users.unit_admin).get(f"/assessment/rounds/{round_.id}/?org={tree.unit.id}")
    html = page.content.decode()
    expected = (
        f"/meetings/?org={tree.unit.id}&amp;status=held&amp;since=2026-01-01&amp;until=2026-12-31"
    )
    assert f'<a href="{expected}">查看这些记录</a>' in html
