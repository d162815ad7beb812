"""Writes to assessment rounds, step by step:

草稿 → 单位自评 (units notified; they explain and score their reviewed items) → 评审打分
(reviewers score, approve bonus items, record findings, adjust a record-based score only with
a reason) → 初步结果公示 → 已定档 (record-based values frozen with their `as_of` day).

Admins over the scheme's org run the round; a unit's recorders (its admins and secretary)
write its self-assessment. Every write is audited.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from mofan.assessment import compute
from mofan.assessment.models import (
    Entry,
    Finding,
    FrozenValue,
    Indicator,
    Participant,
    Placement,
    Round,
    RoundKind,
    RoundStatus,
    Scheme,
    SchemeStatus,
    Target,
)
from mofan.assessment.scoring import BONUS, DEDUCTION, REVIEWED, VETO, RuleError, reviewed
from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.notifications.recipients import recorders_of
from mofan.notifications.services import Message, notifications_send
from mofan.orgs.models import BRANCH_TYPES, Org

DEFAULT_ANNUAL_WEIGHT = 70  # 三年总评: the three years 70%, daily supervision 30%
NO_PERMISSION = "只有制定考核方案的组织的管理员可以组织考核"
NEXT = {
    RoundStatus.DRAFT: RoundStatus.SELF,
    RoundStatus.SELF: RoundStatus.REVIEW,
    RoundStatus.REVIEW: RoundStatus.PRELIMINARY,
    RoundStatus.PRELIMINARY: RoundStatus.FINAL,
}


def require_runner(actor, round_or_scheme) -> None:
    scheme = getattr(round_or_scheme, "scheme", round_or_scheme)
    if not scope_of(actor).can_admin(scheme.org.path):
        raise PermissionDenied(NO_PERMISSION)


def require_status(round_: Round, *statuses: str) -> None:
    if round_.status not in statuses:
        wanted = "、".join(RoundStatus(s).label for s in statuses)
        raise ApplicationError(
            f"考核现处于“{round_.get_status_display()}”阶段，此操作须在“{wanted}”阶段进行"
        )


def eligible_orgs(scheme: Scheme):
    """The orgs a scheme assesses: the units directly below its org (in its categories, if it
    names some), or every branch below it."""
    below = Org.objects.filter(path__startswith=scheme.org.path, dissolved_on__isnull=True)
    if scheme.target == Target.BRANCHES:
        return below.filter(org_type__in=BRANCH_TYPES).order_by("path")
    units = below.filter(depth=scheme.org.depth + 1)
    categories = list(scheme.categories.all())
    if categories:
        units = units.filter(assessment_placement__category__in=categories)
    return units.order_by("path")


@transaction.atomic
def round_create(
    *,
    actor,
    scheme: Scheme,
    name: str,
    kind: str,
    starts_on: date,
    ends_on: date,
    self_deadline: date | None = None,
    annual_weight=None,
    supervision_weight=None,
) -> Round:
    require_runner(actor, scheme)
    if scheme.status != SchemeStatus.PUBLISHED:
        raise ApplicationError("只能按已发布的考核方案组织考核", field="scheme")
    if kind not in RoundKind.values:
        raise ApplicationError("请选择考核类型", field="kind")
    if not name.strip():
        raise ApplicationError("请填写考核名称", field="name")
    if ends_on < starts_on:
        raise ApplicationError("考核期结束日期不能早于开始日期", field="ends_on")
    annual_weight = DEFAULT_ANNUAL_WEIGHT if annual_weight is None else annual_weight
    supervision_weight = (
        100 - DEFAULT_ANNUAL_WEIGHT if supervision_weight is None else supervision_weight
    )
    if kind == RoundKind.TRIENNIAL:
        _check_triennial(starts_on, ends_on, annual_weight, supervision_weight)
    round_ = Round.objects.create(
        scheme=scheme,
        name=name.strip(),
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        self_deadline=self_deadline,
        annual_weight=annual_weight,
        supervision_weight=supervision_weight,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(actor=actor, action="assessment.round_create", target=round_, detail=scheme.name)
    return round_


def _check_triennial(starts_on: date, ends_on: date, annual_weight, supervision_weight) -> None:
    if ends_on.year - starts_on.year != 2:
        raise ApplicationError("三年总评的考核期应跨三个年度", field="ends_on")
    if annual_weight < 0 or supervision_weight < 0:
        raise ApplicationError("权重不能为负数", field="annual_weight")
    if annual_weight + supervision_weight != 100:
        raise ApplicationError(
            f"年度考评与日常监督的权重合计应为 100%，现为 {annual_weight + supervision_weight}%",
            field="annual_weight",
        )


def round_link(round_: Round) -> str:
    return reverse("assessment:round", args=[round_.pk])


def _notify_units(actor, round_: Round, orgs: list[Org], title: str, event: str) -> int:
    recipients = recorders_of(orgs)
    link = round_link(round_)
    return notifications_send(
        actor=actor,
        messages=[
            Message(
                user_ids=recipients.get(org.pk, set()),
                key=f"assessment:round.{event}:{round_.pk}:{org.pk}",
                title=title,
                body=round_.name,
                link=f"{link}?org={org.pk}",
            )
            for org in orgs
        ],
    )


@transaction.atomic
def round_open(*, actor, round_: Round) -> int:
    """Publish the round: fix its participants (with their categories) and tell each unit."""
    require_runner(actor, round_)
    round_ = locked(round_)
    require_status(round_, RoundStatus.DRAFT)
    orgs = list(eligible_orgs(round_.scheme))
    if not orgs:
        raise ApplicationError("该方案没有可参加考核的单位（请检查适用类别和单位类别设置）")
    category_of = dict(
        Placement.objects.filter(unit__in=orgs).values_list("unit_id", "category_id")
    )
    Participant.objects.bulk_create(
        Participant(round=round_, org=org, category_id=category_of.get(org.pk)) for org in orgs
    )
    round_.status = RoundStatus.SELF
    round_.save(update_fields=["status"])
    deadline = (
        "（按三年年度考评和日常监督结果计算，无需自评）"
        if round_.kind == RoundKind.TRIENNIAL
        else f"，请于 {round_.self_deadline:%Y-%m-%d} 前完成自评"
        if round_.self_deadline
        else "，请完成自评"
    )
    _notify_units(actor, round_, orgs, f"考核已发布{deadline}", "open")
    audit(actor=actor, action="assessment.round_open", target=round_, detail=f"{len(orgs)} 个单位")
    return len(orgs)


@transaction.atomic
def round_advance(*, actor, round_: Round) -> Round:
    """To the next step: 评审打分, 初步结果公示 (units told), or 已定档 (values frozen)."""
    require_runner(actor, round_)
    round_ = locked(round_)
    require_status(round_, RoundStatus.SELF, RoundStatus.REVIEW, RoundStatus.PRELIMINARY)
    if round_.status == RoundStatus.PRELIMINARY:
        unanswered = round_.objections.filter(answered_at__isnull=True).count()
        if unanswered:
            raise ApplicationError(f"还有 {unanswered} 条异议尚未答复，答复后才能定档")
        _freeze(round_)
    round_.status = NEXT[RoundStatus(round_.status)]
    round_.save(update_fields=["status", "as_of"])
    if round_.status == RoundStatus.PRELIMINARY:
        orgs = [p.org for p in round_.participants.select_related("org")]
        _notify_units(actor, round_, orgs, "考核初步结果已公示，如有异议请及时反馈", "preliminary")
    audit(
        actor=actor,
        action="assessment.round_advance",
        target=round_,
        detail=round_.get_status_display(),
    )
    return round_


def _freeze(round_: Round) -> None:
    """Store each record-based value and its points, so later corrections of the records do
    not change a closed round."""
    round_.as_of = min(timezone.localdate(), round_.ends_on)
    if round_.kind == RoundKind.TRIENNIAL:
        return  # it reads the frozen results of the rounds it combines
    table = compute.results(round_)
    leaves = compute.leaves_of(round_.scheme.indicators.all())
    reads_records = [leaf.indicator.pk for leaf in leaves if leaf.rule.reads_records]
    FrozenValue.objects.bulk_create(
        FrozenValue(
            round=round_,
            org_id=result.org_id,
            indicator_id=indicator_id,
            value=result.items[indicator_id].value,
            points=result.items[indicator_id].computed,
        )
        for result in table
        for indicator_id in reads_records
    )


def participant_in(round_: Round, org: Org) -> Participant:
    found = round_.participants.filter(org=org).first()
    if found is None:
        raise ApplicationError(f"“{org.name}”不是本次考核的参评单位", field="org")
    return found


def _entry(round_: Round, org: Org, indicator: Indicator) -> Entry:
    if indicator.scheme_id != round_.scheme_id or indicator.is_area:
        raise ApplicationError("该指标不属于本次考核的方案", field="indicator")
    participant_in(round_, org)
    entry, _ = Entry.objects.select_for_update().get_or_create(
        round=round_, org=org, indicator=indicator
    )
    return entry


@transaction.atomic
def self_assess(
    *, actor, round_: Round, org: Org, indicator: Indicator, points=None, note: str = ""
) -> Entry:
    """A unit's self score (reviewed items) or explanation (any item), while it self-assesses."""
    if not scope_of(actor).can_record(org.path):
        raise PermissionDenied("只有本单位的管理员或书记可以填写自评")
    round_ = locked(round_)
    require_status(round_, RoundStatus.SELF)
    entry = _entry(round_, org, indicator)
    if points not in (None, ""):
        if indicator.rule != REVIEWED:
            raise ApplicationError("该指标按记录或评审认定计分，只需填写说明", field="points")
        try:
            entry.self_points = reviewed(points, indicator.max_points)
        except RuleError as error:
            raise ApplicationError(str(error), field="points") from error
    entry.self_note = note.strip()
    entry.save()
    audit(
        actor=actor,
        action="assessment.self_assess",
        target=round_,
        detail=f"{org.name}：{indicator.name}",
    )
    return entry


@transaction.atomic
def review_score(
    *, actor, round_: Round, org: Org, indicator: Indicator, points, reason: str = ""
) -> Entry:
    """A reviewer's score of a reviewed item, or the number of approved bonus items."""
    require_runner(actor, round_)
    round_ = locked(round_)
    require_status(round_, RoundStatus.REVIEW)
    values = _reviewed_value(indicator, points)
    entry = _entry(round_, org, indicator)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.review_reason = reason.strip()
    entry.save()
    audit(
        actor=actor,
        action="assessment.review",
        target=round_,
        detail=f"{org.name}：{indicator.name} {points}",
    )
    return entry


def _reviewed_value(indicator: Indicator, points) -> dict:
    """The entry fields a review of `indicator` with `points` sets, checked."""
    if indicator.rule == REVIEWED:
        try:
            return {"review_points": reviewed(points, indicator.max_points)}
        except RuleError as error:
            raise ApplicationError(str(error), field="points") from error
    if indicator.rule == BONUS:
        if not str(points).isdigit():
            raise ApplicationError("请填写认定的加分项数（整数）", field="points")
        return {"approved_items": int(points)}
    raise ApplicationError("该指标按记录计分；如需调整请填写调整理由", field="points")


def _require_participants(round_: Round, org_ids) -> None:
    if set(org_ids) - set(round_.participants.values_list("org_id", flat=True)):
        raise ApplicationError("所列单位不都是本次考核的参评单位", field="org")


def _require_adjustable(indicator: Indicator, reason: str) -> None:
    if indicator.rule in (REVIEWED, BONUS, VETO) or not indicator.fact_code:
        raise ApplicationError("只有按记录计分的指标可以调整得分", field="points")
    if not reason.strip():
        raise ApplicationError("调整按记录计算的得分须填写理由", field="reason")


def _write_column(round_: Round, indicator: Indicator, fields: dict[int, dict]) -> None:
    """Set `fields` ({org id: {field: value}}) on the entries of one indicator, creating the
    missing ones: a fixed number of queries however many units."""
    existing = {
        e.org_id: e
        for e in Entry.objects.select_for_update().filter(
            round=round_, indicator=indicator, org_id__in=list(fields)
        )
    }
    new = []
    for org_id, values in fields.items():
        entry = existing.get(org_id) or Entry(round=round_, org_id=org_id, indicator=indicator)
        for name, value in values.items():
            setattr(entry, name, value)
        if entry.pk is None:
            new.append(entry)
    Entry.objects.bulk_create(new)
    names = sorted({name for values in fields.values() for name in values})
    if existing and names:
        Entry.objects.bulk_update(list(existing.values()), names)


@transaction.atomic
def review_scores(
    *, actor, round_: Round, indicator: Indicator, scores: dict[int, tuple[object, str]]
) -> int:
    """One indicator reviewed across units at once ({org id: (points, reason)}), as a
    reviewer fills in a column of the score sheet: all or nothing, one audit row."""
    require_runner(actor, round_)
    round_ = locked(round_)
    require_status(round_, RoundStatus.REVIEW)
    if indicator.scheme_id != round_.scheme_id or indicator.is_area:
        raise ApplicationError("该指标不属于本次考核的方案", field="indicator")
    _require_participants(round_, scores)
    _write_column(
        round_,
        indicator,
        {
            org_id: {**_reviewed_value(indicator, points), "review_reason": reason.strip()}
            for org_id, (points, reason) in scores.items()
        },
    )
    audit(
        actor=actor,
        action="assessment.review",
        target=round_,
        detail=f"{indicator.name}：{len(scores)} 个单位",
    )
    return len(scores)


@transaction.atomic
def score_adjust(
    *, actor, round_: Round, org: Org, indicator: Indicator, points, reason: str
) -> Entry:
    """Override a record-based score, only with a reason; audited with before and after."""
    require_runner(actor, round_)
    round_ = locked(round_)
    require_status(round_, RoundStatus.REVIEW)
    _require_adjustable(indicator, reason)
    entry = _entry(round_, org, indicator)
    try:
        new = reviewed(points, indicator.max_points)
    except RuleError as error:
        raise ApplicationError(str(error), field="points") from error
    before = entry.adjusted_points
    entry.adjusted_points, entry.adjust_reason = new, reason.strip()
    entry.save()
    audit(
        actor=actor,
        action="assessment.adjust",
        target=round_,
        changes={"adjusted_points": [None if before is None else str(before), str(new)]},
        detail=f"{org.name}：{indicator.name}（{reason.strip()}）",
    )
    return entry


@transaction.atomic
def adjust_scores(
    *, actor, round_: Round, indicator: Indicator, scores: dict[int, object], reason: str
) -> int:
    """One record-based indicator's points set for several units with one reason (results
    kept on paper before the system was used, a correction confirmed by inspection)."""
    require_runner(actor, round_)
    round_ = locked(round_)
    require_status(round_, RoundStatus.REVIEW)
    _require_adjustable(indicator, reason)
    _require_participants(round_, scores)
    try:
        checked = {org_id: reviewed(p, indicator.max_points) for org_id, p in scores.items()}
    except RuleError as error:
        raise ApplicationError(str(error), field="points") from error
    _write_column(
        round_,
        indicator,
        {
            org_id: {"adjusted_points": points, "adjust_reason": reason.strip()}
            for org_id, points in checked.items()
        },
    )
    audit(
        actor=actor,
        action="assessment.adjust",
        target=round_,
        detail=f"{indicator.name}：{len(scores)} 个单位（{reason.strip()}）",
    )
    return len(scores)


@transaction.atomic
def finding_record(
    *, actor, round_: Round, org: Org, indicator: Indicator, description: str, source: str = ""
) -> Finding:
    """An event a deduction or veto item counts, recorded by a reviewer with its source."""
    require_runner(actor, round_)
    round_ = locked(round_)
    require_status(round_, RoundStatus.SELF, RoundStatus.REVIEW)
    if indicator.rule not in (DEDUCTION, VETO) or indicator.scheme_id != round_.scheme_id:
        raise ApplicationError("只有扣分或一票否决指标可以记录事项", field="indicator")
    participant_in(round_, org)
    if not description.strip():
        raise ApplicationError("请填写情况", field="description")
    finding = Finding.objects.create(
        round=round_,
        org=org,
        indicator=indicator,
        description=description.strip(),
        source=source.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(
        actor=actor,
        action="assessment.finding",
        target=round_,
        detail=f"{org.name}：{description.strip()}",
    )
    return finding
