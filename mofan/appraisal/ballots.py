"""Anonymous ballots: one-time codes per panel, the vote, and counting at the close.

A code is 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 32^12 ≈ 10^18
possibilities, so guessing one of a few hundred issued codes is hopeless. It is shown once, on
the slips printed when it is issued, and stored only as a keyed digest (HMAC with the site's
secret key: a copy of the database does not let anyone recompute codes). A code row knows only
that it was used, not when; the ballot knows only its round, panel and day; the audit record of
a vote names the round and panel, not the code or the ballot, and no IP address.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from mofan.appraisal.models import (
    Ballot,
    BallotCode,
    Grade,
    Panel,
    Rating,
    Reporter,
    Result,
    Round,
    RoundStatus,
)
from mofan.appraisal.results import tally
from mofan.core.access import SystemActor, scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0 O 1 I L
CODE_LENGTH = 12
GROUP = 4
MAX_CODES = 500
COMMENT_LENGTH = Rating._meta.get_field("comment").max_length
# Who the audit record of a vote names: nobody.
RATER = SystemActor("匿名评议人")

WRONG_CODE = "评议码不正确，请核对纸条上的评议码（不区分大小写，可省略短横线）"
USED_CODE = "该评议码已经使用过，每个评议码只能投票一次"
NOT_VOTING = "该述职评议当前不在投票阶段"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(code: str) -> str:
    """ABCD-EFGH-JKMN, as printed on a slip."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalised(typed: str) -> str:
    """What a rater typed, as the code: upper case, without spaces and dashes."""
    return "".join(ch for ch in typed.upper() if ch not in " -\u3000\t")


def digest(code: str) -> str:
    key = f"mofan.appraisal:{settings.SECRET_KEY}".encode()
    return hmac.new(key, normalised(code).encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def codes_issue(*, actor, panel: Panel, count: int) -> list[str]:
    """`count` new codes for the panel's raters; the plain codes are returned once, for the
    slips, and never stored."""
    round_ = locked(panel.round)
    if not scope_of(actor).can_admin(round_.org.path):
        raise PermissionDenied("只有组织述职评议的单位管理员可以发放评议码")
    if round_.status == RoundStatus.CLOSED:
        raise ApplicationError("述职评议已结束，不能再发放评议码")
    if not 1 <= count <= MAX_CODES:
        raise ApplicationError(f"每次可发放 1 至 {MAX_CODES} 个评议码", field="count")
    codes = [new_code() for _ in range(count)]
    BallotCode.objects.bulk_create(
        BallotCode(round=round_, panel=panel, digest=digest(code)) for code in codes
    )
    audit(
        actor=actor,
        action="appraisal.codes_issue",
        target=round_,
        detail=f"{panel}：{count} 个",
    )
    return codes


@dataclass(frozen=True)
class CodeCheck:
    round: Round
    panel: Panel


def code_check(code: str) -> CodeCheck:
    """The round and panel a code votes in, if it can still vote; else a refusal saying why."""
    found = _find(code)
    _check_usable(found)
    return CodeCheck(found.round, found.panel)


def _find(code: str, *, lock: bool = False) -> BallotCode:
    plain = normalised(code)
    if len(plain) != CODE_LENGTH or any(ch not in ALPHABET for ch in plain):
        raise ApplicationError(WRONG_CODE, field="code")
    codes = BallotCode.objects.select_related("round", "panel")
    if lock:
        codes = codes.select_for_update()
    found = codes.filter(digest=digest(plain)).first()
    if found is None:
        raise ApplicationError(WRONG_CODE, field="code")
    return found


def _check_usable(found: BallotCode) -> None:
    if found.round.status == RoundStatus.CLOSED:
        raise ApplicationError("投票已结束，感谢您的参与", field="code")
    if found.round.status != RoundStatus.VOTING:
        raise ApplicationError(NOT_VOTING, field="code")
    if found.used:
        raise ApplicationError(USED_CODE, field="code")


def ballot_reporters(round_: Round) -> list[Reporter]:
    return list(round_.reporters.select_related("org").order_by("sort_order", "id"))


@transaction.atomic
def ballot_cast(
    *,
    code: str,
    grades: dict[int, str],
    comments: dict[int, str] | None = None,
    today: date | None = None,
) -> Ballot:
    """A rater's ballot: a grade for every reporter (and an optional comment), all at once.
    The code is used up in the same transaction; a second use, even at the same moment, is
    refused (the conditional update lets one of two concurrent votes through)."""
    found = _find(code, lock=True)
    _check_usable(found)
    reporters = ballot_reporters(found.round)
    comments = comments or {}
    _check_complete(reporters, grades, comments)
    if not BallotCode.objects.filter(pk=found.pk, used=False).update(used=True):
        raise ApplicationError(USED_CODE, field="code")
    ballot = Ballot.objects.create(
        round=found.round, panel=found.panel, cast_on=today or timezone.localdate()
    )
    Rating.objects.bulk_create(
        Rating(
            ballot=ballot,
            reporter=r,
            grade=grades[r.pk],
            comment=(comments.get(r.pk) or "").strip(),
        )
        for r in reporters
    )
    audit(
        actor=RATER,
        action="appraisal.vote",
        target=found.round,
        detail=f"{found.panel}投票 1 张",
        ip="",
    )
    return ballot


def _check_complete(reporters: list[Reporter], grades: dict[int, str], comments) -> None:
    known = {r.pk for r in reporters}
    if any(int(k) not in known for k in grades) or any(
        g not in Grade.values for g in grades.values()
    ):
        raise ApplicationError("评价内容不正确，请刷新页面后重新填写")
    missing = [r for r in reporters if not grades.get(r.pk)]
    if missing:
        names = "、".join(r.org.display_name for r in missing[:10])
        more = " 等" if len(missing) > 10 else ""
        raise ApplicationError(f"还有 {len(missing)} 位述职人未评价：{names}{more}")
    if any(len(c or "") > COMMENT_LENGTH for c in comments.values()):
        raise ApplicationError(f"每条意见建议不能超过 {COMMENT_LENGTH} 个字")


def round_tally(round_: Round):
    """The round's count now, from its ratings (used at the close and for a live preview)."""
    rows = Rating.objects.filter(ballot__round=round_).values_list(
        "reporter_id", "ballot__panel_id", "grade"
    )
    return tally(
        rows.iterator(),
        reporter_ids=round_.reporters.values_list("pk", flat=True),
        weights={p.pk: p.weight for p in round_.panels.all()},
        values=round_.grade_values,
    )


def results_count(round_: Round) -> list[Result]:
    """Write each reporter's result (called by round_step when the round closes)."""
    lines = round_tally(round_)
    Result.objects.filter(reporter__round=round_).delete()
    results = [
        Result(
            reporter_id=reporter_id,
            good=line.counts[Grade.GOOD],
            fair=line.counts[Grade.FAIR],
            average=line.counts[Grade.AVERAGE],
            poor=line.counts[Grade.POOR],
            good_share=line.good_share,
            score=line.score,
            rank=line.rank,
        )
        for reporter_id, line in lines.items()
    ]
    return Result.objects.bulk_create(results)
