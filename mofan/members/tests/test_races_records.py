"""Concurrent writes keep the record rules (issue 9 §4): two clerks entering the same person at
once record them once and the other is told why; a member proposes one correction at a time and
a correction is decided once; the branch's member counter counts every member entered at once.
PostgreSQL only: SQLite runs one writer at a time, so these races cannot happen there."""

from datetime import date

from mofan.core.access import SYSTEM
from mofan.core.tests.concurrency import POSTGRES_ONLY, at_once, refusals
from mofan.members.corrections import correction_accept, correction_propose, correction_reject
from mofan.members.development import candidate_apply
from mofan.members.models import Candidate, Category, Correction, Member, OrgMemberCount
from mofan.members.services import member_create
from mofan.members.tests.conftest import new_id_number

pytestmark = POSTGRES_ONLY

BORN = date(1985, 6, 15)
TAKEN = "该公民身份号码已登记在系统中"


def enter(users, org, id_number, name="钱同人"):
    def call():
        return member_create(
            actor=SYSTEM,
            id_number=id_number,
            name=name,
            sex="male",
            birth_date=BORN,
            category=Category.FULL,
            org=org,
            joined_on=date(2010, 7, 1),
            full_member_on=date(2011, 7, 1),
        )

    return call


def test_two_clerks_entering_the_same_person_record_them_once(users, tree):
    number = new_id_number(BORN, "male")
    results = at_once([enter(users, tree.branch, number), enter(users, tree.other_branch, number)])
    assert refusals(results) == [TAKEN]
    assert Member.objects.count() == 1


def test_two_applications_of_the_same_person_register_them_once(users, tree):
    number = new_id_number(BORN, "female")

    def apply():
        return candidate_apply(
            actor=users.secretary,
            org=tree.branch,
            name="赵申请",
            id_number=number,
            applied_on=date(2026, 1, 5),
            sex="female",
            birth_date=BORN,
        )

    assert refusals(at_once([apply, apply, apply])) == [TAKEN, TAKEN]
    assert Candidate.objects.count() == 1


def test_members_entered_at_once_are_all_counted(users, tree):
    for _ in range(3):  # the interleaving differs from run to run
        at_once([enter(users, tree.branch, new_id_number(BORN, "male")) for _ in range(4)])
    assert Member.objects.filter(org=tree.branch).count() == 12
    assert OrgMemberCount.objects.get(org=tree.branch).members == 12


# --- corrections ------------------------------------------------------------------------------


def linked_member(users, tree, link):
    member = enter(users, tree.branch, new_id_number(BORN, "male"), name="本人")()
    return link(member, users.member)


def test_a_member_pressing_twice_proposes_one_correction(users, tree, link):
    me = linked_member(users, tree, link)

    def propose(phone):
        return lambda: correction_propose(
            actor=users.member, member=Member.objects.get(pk=me.pk), phone=phone, address=""
        )

    results = at_once([propose("13900002222"), propose("13900003333")])
    assert refusals(results) == ["您已有一条待处理的更正申请，请等支部处理后再提交"]
    assert Correction.objects.filter(member=me).count() == 1


def test_a_correction_accepted_and_rejected_at_once_is_decided_once(users, tree, link):
    me = linked_member(users, tree, link)
    pk = correction_propose(actor=users.member, member=me, phone="13900002222", address="").pk

    def accept():
        return correction_accept(actor=users.secretary, correction=Correction.objects.get(pk=pk))

    def reject():
        return correction_reject(
            actor=users.unit_admin, correction=Correction.objects.get(pk=pk), reason="号码有误"
        )

    reasons = refusals(at_once([accept, reject]))
    correction = Correction.objects.get(pk=pk)
    assert reasons == [f"该申请已处理（{correction.get_status_display()}）"]
    phone = Member.objects.get(pk=me.pk).phone
    assert phone == ("13900002222" if correction.status == Correction.Status.ACCEPTED else "")
