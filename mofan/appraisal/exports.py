"""Excel exports: a round's results (one row per reporting org) and a list of freshly issued
codes. Each leaves an audit record."""

from django.core.exceptions import PermissionDenied

from mofan.appraisal.ballots import digest, normalised, shown
from mofan.appraisal.models import BallotCode, Round
from mofan.appraisal.selectors import reporter_list, sees_results
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.excel import Export, new_sheet

RESULT_HEADERS = [
    "名次",
    "述职组织",
    "书记",
    "好",
    "较好",
    "一般",
    "差",
    "好和较好占比（%）",
    "综合得分",
    "点评",
    "整改事项",
]


def results_export(*, actor, round_: Round) -> Export:
    if not sees_results(actor, round_):
        raise PermissionDenied("述职评议结束后才能导出结果")
    reporters = reporter_list(actor=actor, round_=round_).prefetch_related("rectifications")
    workbook, sheet = new_sheet(f"{round_.title}结果", RESULT_HEADERS, "评议结果")
    rows = sorted(reporters, key=lambda r: (getattr(r, "result", None) is None, _rank(r)))
    for reporter in rows:
        result = getattr(reporter, "result", None)
        counts = [result.good, result.fair, result.average, result.poor] if result else [""] * 4
        sheet.append(
            [
                result.rank if result else "",
                reporter.org.name,
                reporter.name,
                *counts,
                float(result.good_share) if result else "",
                float(result.score) if result else "",
                reporter.comment,
                "；".join(
                    f"{i.problem}（{i.deadline:%Y-%m-%d}前）" for i in reporter.rectifications.all()
                ),
            ]
        )
    audit(actor=actor, action="appraisal.results_export", target=round_)
    return Export(workbook, f"{round_.title}结果.xlsx")


def _rank(reporter) -> int:
    result = getattr(reporter, "result", None)
    return result.rank if result else 0


def codes_export(*, actor, round_: Round, codes: list[str]) -> Export:
    """The codes just issued (sent back by the slips page, which alone holds them) as a list;
    each must be a code of this round."""
    if not scope_of(actor).can_admin(round_.org.path):
        raise PermissionDenied("只有组织述职评议的单位管理员可以导出评议码")
    plain = [normalised(c) for c in codes if c.strip()]
    found = dict(
        BallotCode.objects.filter(round=round_, digest__in=[digest(c) for c in plain])
        .select_related("panel")
        .values_list("digest", "panel__identity")
    )
    if not plain or len(found) != len(set(plain)):
        raise ApplicationError("评议码不属于本次述职评议")
    labels = {p.identity: str(p) for p in round_.panels.all()}
    workbook, sheet = new_sheet(f"{round_.title}评议码", ["序号", "评议人类别", "评议码"], "评议码")
    for number, code in enumerate(plain, start=1):
        sheet.append([number, labels[found[digest(code)]], shown(code)])
    audit(actor=actor, action="appraisal.codes_export", target=round_, detail=f"{len(plain)} 个")
    return Export(workbook, f"{round_.title}评议码.xlsx")
