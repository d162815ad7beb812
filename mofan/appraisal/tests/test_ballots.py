"""Anonymous ballots: a code votes once (also two at the same moment), a wrong or used code is
refused with a clear message, a ballot rates every reporter, and nothing stored leads from a
ballot to its code or to a person."""

import threading

import pytest
from django.db import connection

from mofan.appraisal import ballots
from mofan.appraisal.models import Ballot, BallotCode, Grade, Rating
from mofan.appraisal.tests.conftest import all_good
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog


def test_codes_are_long_random_and_stored_only_as_digests(voting):
    round_, codes = voting
    assert len(set(codes)) == 3
    for code in codes:
        assert len(code) == 12 and set(code) <= set(ballots.ALPHABET)
        assert not set(code) & set("01OIL")
    stored = list(BallotCode.objects.values_list("digest", flat=True))
    assert all(code not in "".join(stored) for code in codes)
    assert sorted(stored) == sorted(ballots.digest(c) for c in codes)


def test_a_code_votes_once(voting):
    round_, codes = voting
    ballots.ballot_cast(code=ballots.shown(codes[0]).lower(), grades=all_good(round_))
    with pytest.raises(ApplicationError, match="已经使用过"):
        ballots.ballot_cast(code=codes[0], grades=all_good(round_))
    assert Ballot.objects.count() == 1


@pytest.mark.parametrize("typed", ["ABCD", "ABCDEFGHJKMN", "0000-0000-0000", ""])
def test_a_wrong_code_is_refused(voting, typed):
    round_, _ = voting
    with pytest.raises(ApplicationError, match="评议码不正确"):
        ballots.ballot_cast(code=typed, grades=all_good(round_))


def test_a_ballot_must_rate_every_reporter(voting):
    round_, codes = voting
    reporters = list(round_.reporters.select_related("org"))
    with pytest.raises(ApplicationError, match="还有 1 位述职人未评价：发改委第一党支部"):
        ballots.ballot_cast(code=codes[0], grades={reporters[0].pk: Grade.GOOD})
    assert not BallotCode.objects.filter(used=True).exists()  # the code can still vote


def test_no_path_from_a_ballot_to_its_code_or_person(voting):
    round_, codes = voting
    ballot = ballots.ballot_cast(
        code=codes[0], grades=all_good(round_), comments={round_.reporters.first().pk: "很好"}
    )
    ballot_columns = {f.attname for f in Ballot._meta.concrete_fields}
    assert ballot_columns == {"id", "round_id", "panel_id", "cast_on"}
    code_columns = {f.attname for f in BallotCode._meta.concrete_fields}
    assert code_columns == {"id", "round_id", "panel_id", "digest", "used"}
    assert {f.attname for f in Rating._meta.concrete_fields} == {
        "id",
        "ballot_id",
        "reporter_id",
        "grade",
        "comment",
    }
    assert ballot.pk.version == 4  # random, so ids say nothing of the order of votes
    vote = AuditLog.objects.get(action="appraisal.vote")
    assert vote.user is None and vote.ip in ("", None)
    assert vote.target_type == "appraisal.round" and vote.target_id == str(round_.pk)
    stored = f"{vote.detail} {vote.changes} {vote.target_repr}"
    assert codes[0] not in stored and str(ballot.pk) not in stored


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; PostgreSQL only"
)
def test_two_votes_with_one_code_at_once_count_once(voting):
    round_, codes = voting
    grades = all_good(round_)
    outcomes = []

    def vote():
        try:
            ballots.ballot_cast(code=codes[0], grades=grades)
            outcomes.append("ok")
        except ApplicationError as exc:
            outcomes.append(exc.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", ballots.USED_CODE]
    assert Ballot.objects.count() == 1


def test_the_used_flag_is_set_by_a_conditional_update(voting, monkeypatch):
    """A second vote that read the code as unused before the first committed is refused."""
    round_, codes = voting
    real = ballots._check_usable
    BallotCode.objects.update(used=False)

    def stale_check(found):
        real(found)
        BallotCode.objects.filter(pk=found.pk).update(used=True)  # the other vote got there

    monkeypatch.setattr(ballots, "_check_usable", stale_check)
    with pytest.raises(ApplicationError, match="已经使用过"):
        ballots.ballot_cast(code=codes[0], grades=all_good(round_))
    assert not Ballot.objects.exists()


def test_voting_only_in_the_voting_stage(round_, users):
    code = ballots.codes_issue(actor=users.committee_admin, panel=round_.panels.first(), count=1)[0]
    with pytest.raises(ApplicationError, match="不在投票阶段"):
        ballots.code_check(code)
