"""换届: reminders before a term ends, the election record, and its approval by the upper org,
which replaces the committee and sets the new term."""

from collections import Counter
from datetime import date, timedelta

from django.db import transaction

from mofan.core.access import scope_of
from mofan.core.audit import audit
from mofan.core.dates import add_years
from mofan.core.errors import ApplicationError
from mofan.core.locking import locked
from mofan.meetings.models import ElectedMember, Election
from mofan.meetings.services import require_meeting_writer
from mofan.members.models import CURRENT_STATUSES, Member
from mofan.orgs.models import CommitteePost, CommitteeSeat, Org, OrgType

TERM_YEARS = {OrgType.ORGAN_COMMITTEE: 5, OrgType.BASIC_COMMITTEE: 5, OrgType.WORKING_COMMITTEE: 5}
DEFAULT_TERM_YEARS = 3
REMIND_DAYS = (90, 30)
POSTS = dict(CommitteePost.choices)


def term_years(org: Org) -> int:
    return TERM_YEARS.get(OrgType(org.org_type), DEFAULT_TERM_YEARS)


@transaction.atomic
def election_record(
    *,
    actor,
    org: Org,
    held_on: date,
    method: str,
    voters: int,
    ballots: int,
    elected: list[tuple[str, str, int]],
) -> Election:
    """`elected`: (name, post, votes). Each elected needs more than half of the ballots."""
    require_meeting_writer(actor, org)
    if ballots > voters:
        raise ApplicationError("收回选票多于应到有选举权的党员", field="ballots")
    if ballots * 5 <= voters * 4:
        raise ApplicationError(
            f"到会有选举权的党员须超过应到会人数的五分之四：应到 {voters} 人，收回选票 {ballots} 张",
            field="ballots",
        )
    if not elected:
        raise ApplicationError("请填写当选的委员", field="elected")
    if sum(1 for _, post, _ in elected if post == CommitteePost.SECRETARY) != 1:
        raise ApplicationError("须有且只有一名书记", field="elected")
    for name, post, votes in elected:
        if post not in POSTS:
            raise ApplicationError(f"{name} 的职务不正确", field="elected")
        if votes * 2 <= ballots:
            raise ApplicationError(
                f"{name} 得票 {votes}，未超过收回选票 {ballots} 的半数，不能当选", field="elected"
            )
    election = Election.objects.create(
        org=org, held_on=held_on, method=method, voters=voters, ballots=ballots
    )
    ElectedMember.objects.bulk_create(
        ElectedMember(election=election, name=n.strip(), post=p, votes=v) for n, p, v in elected
    )
    audit(
        actor=actor,
        action="election.record",
        target=org,
        detail=f"{held_on:%Y-%m-%d} 换届选举，当选 {len(elected)} 人，待上级批复",
    )
    return election


def _require_upper(actor, org: Org) -> None:
    if not scope_of(actor).can_admin_strictly_below(org.path):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("换届选举结果须由上级党组织批复")


def _records_by_unique_name(org: Org) -> dict[str, int]:
    """The elected are recorded by name: a seat is linked to the member record where exactly one
    current member under the org bears that name; namesakes are left for the admin to link."""
    rows = list(
        Member.objects.filter(
            org__path__startswith=org.path, status__in=CURRENT_STATUSES
        ).values_list("name", "id")
    )
    counts = Counter(name for name, _ in rows)
    return {name: member_id for name, member_id in rows if counts[name] == 1}


@transaction.atomic
def election_approve(*, actor, election: Election, on: date) -> Org:
    """The upper org approves: the elected become the committee and the new term starts."""
    locked(election)  # approved or rejected once, whichever answer commits first
    _require_upper(actor, election.org)
    if election.status != Election.Status.SUBMITTED:
        raise ApplicationError("该选举结果已批复")
    if election.org.is_dissolved:
        raise ApplicationError(f"“{election.org.name}”已撤销，不能批复其换届选举")
    org = locked(election.org)  # two elections of one org approved at once: one committee
    before = [str(seat) for seat in org.committee.all()]
    org.committee.all().delete()
    records = _records_by_unique_name(org)
    CommitteeSeat.objects.bulk_create(
        CommitteeSeat(
            org=org, name=e.name, post=e.post, sort_order=i, member_id=records.get(e.name)
        )
        for i, e in enumerate(election.elected.all())
    )
    org.term_start = election.held_on
    org.term_end = add_years(election.held_on, term_years(org))
    org.save(update_fields=["term_start", "term_end"])
    election.status = Election.Status.APPROVED
    election.answered_on = on
    election.save(update_fields=["status", "answered_on"])
    after = [f"{e.name}（{POSTS[e.post]}）" for e in election.elected.all()]
    audit(
        actor=actor,
        action="election.approve",
        target=org,
        changes={"committee": [before, after], "term_end": [None, org.term_end.isoformat()]},
    )
    return org


@transaction.atomic
def election_reject(*, actor, election: Election, on: date, note: str) -> Election:
    locked(election)  # approved or rejected once, whichever answer commits first
    _require_upper(actor, election.org)
    if election.status != Election.Status.SUBMITTED:
        raise ApplicationError("该选举结果已批复")
    if not note.strip():
        raise ApplicationError("请填写不予批准的原因", field="note")
    election.status = Election.Status.REJECTED
    election.answered_on = on
    election.answer_note = note.strip()
    election.save(update_fields=["status", "answered_on", "answer_note"])
    audit(actor=actor, action="election.reject", target=election.org, detail=note.strip())
    return election


def terms_expiring(orgs, today: date, within_days: int = 90):
    """Active orgs of the queryset whose term ends within `within_days` or has ended."""
    return orgs.filter(
        dissolved_on__isnull=True,
        term_end__isnull=False,
        term_end__lte=today + timedelta(days=within_days),
    ).order_by("term_end")
