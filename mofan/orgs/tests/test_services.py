from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from mofan.core.access import SYSTEM
from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.orgs import services
from mofan.orgs.models import CommitteeSeat, HealthRule, Org, OrgType
from mofan.orgs.services import (
    committee_seat_add,
    committee_seat_remove,
    health_rule_update,
    org_create,
    org_dissolve,
    org_move,
    org_update,
)
from mofan.site.tests.factories import make_org


def fresh(org):
    return Org.objects.get(pk=org.pk)


def parent_of(org):
    return Org.objects.get_parent(fresh(org))


def last_audit(action):
    return AuditLog.objects.filter(action=action).order_by("-id").first()


def create_branch(actor, parent, code="NEW-1", **fields):
    return org_create(
        actor=actor,
        parent=parent,
        name=fields.pop("name", "新设党支部"),
        code=code,
        org_type=fields.pop("org_type", OrgType.BRANCH),
        **fields,
    )


# --- create ------------------------------------------------------------------------------


def test_it_creates_a_branch_under_a_unit(tree, users):
    org = create_branch(users.unit_admin, tree.unit, unit="市发改委", term_start=date(2024, 1, 1))

    assert parent_of(org) == tree.unit
    assert fresh(tree.unit).numchild == 3
    entry = last_audit("org.create")
    assert entry.username == "unitadmin"
    assert entry.target_id == str(org.pk)
    assert entry.changes["name"] == [None, "新设党支部"]
    assert entry.changes["term_start"] == [None, "2024-01-01"]


@pytest.mark.parametrize(
    ("parent", "org_type", "message"),
    [
        ("group", OrgType.BRANCH, "党小组下不能设立党支部"),
        ("unit", OrgType.PARTY_GROUP, "机关党委下不能设立党小组"),
        ("far_unit", OrgType.ORGAN_COMMITTEE, "党总支下不能设立机关党委"),
        ("branch", OrgType.BRANCH, "党支部下不能设立党支部"),
    ],
)
def test_it_refuses_a_type_that_does_not_fit_under_the_parent(
    tree, users, parent, org_type, message
):
    with pytest.raises(ApplicationError, match=message) as caught:
        create_branch(users.committee_admin, getattr(tree, parent), org_type=org_type)
    assert caught.value.field == "org_type"
    assert not Org.objects.filter(code="NEW-1").exists()


def test_it_refuses_a_second_top_level_org_that_is_not_a_working_committee(tree):
    with pytest.raises(ApplicationError, match="只有机关工委可以作为顶层组织"):
        create_branch(SYSTEM, None)


def test_it_refuses_a_code_already_in_use(tree, users):
    with pytest.raises(ApplicationError, match="组织编码“U1-B1”已被使用"):
        create_branch(users.committee_admin, tree.unit, code="U1-B1")
    assert fresh(tree.unit).numchild == 2


def test_it_refuses_a_blank_code(tree, users):
    with pytest.raises(ApplicationError, match="请填写组织编码"):
        create_branch(users.committee_admin, tree.unit, code="   ")


def test_it_strips_spaces_around_the_code(tree, users):
    org = create_branch(users.committee_admin, tree.unit, code="  NEW-9 ")
    assert fresh(org).code == "NEW-9"


@pytest.mark.parametrize("end", [date(2024, 1, 1), date(2023, 12, 31)])
def test_it_refuses_a_term_end_not_after_its_start(tree, users, end):
    with pytest.raises(ApplicationError, match="任期届满日期必须晚于任期开始日期"):
        create_branch(users.committee_admin, tree.unit, term_start=date(2024, 1, 1), term_end=end)
    assert not Org.objects.filter(code="NEW-1").exists()


def test_it_refuses_a_name_too_long(tree, users):
    with pytest.raises(ApplicationError) as caught:
        create_branch(users.committee_admin, tree.unit, name="长" * 101)
    assert caught.value.field == "name"


def test_it_refuses_creating_under_a_dissolved_parent(tree, users):
    org_dissolve(actor=users.unit_admin, org=tree.other_branch, reason="机构改革")
    with pytest.raises(ApplicationError, match="上级组织“发改委第二党支部”已撤销"):
        create_branch(users.unit_admin, tree.other_branch, org_type=OrgType.PARTY_GROUP)


@pytest.mark.parametrize("who", ["secretary", "leader", "member", "outsider"])
def test_it_refuses_create_for_users_who_do_not_administer_the_parent(tree, users, who):
    with pytest.raises(PermissionDenied):
        create_branch(getattr(users, who), tree.branch, org_type=OrgType.PARTY_GROUP)
    assert fresh(tree.branch).numchild == 1


def test_it_refuses_a_unit_admin_outside_their_unit(tree, users):
    with pytest.raises(PermissionDenied):
        create_branch(users.unit_admin, tree.far_unit)


# --- update ------------------------------------------------------------------------------


def test_it_records_each_changed_field_before_and_after(tree, users):
    org_update(
        actor=users.unit_admin,
        org=tree.branch,
        name="发改委机关第一党支部",
        term_start=date(2024, 3, 1),
        term_end=date(2027, 3, 1),
        unit="市发改委",
    )

    assert fresh(tree.branch).name == "发改委机关第一党支部"
    entry = last_audit("org.update")
    assert entry.username == "unitadmin"
    assert entry.target_repr == "发改委机关第一党支部"
    assert entry.changes == {
        "name": ["发改委第一党支部", "发改委机关第一党支部"],
        "term_start": [None, "2024-03-01"],
        "term_end": [None, "2027-03-01"],
    }


def test_it_leaves_no_audit_record_when_nothing_changed(tree, users):
    org_update(actor=users.unit_admin, org=tree.branch, name="发改委第一党支部")
    assert not AuditLog.objects.filter(action="org.update").exists()


def test_it_keeps_its_own_code_but_refuses_another_orgs(tree, users):
    org_update(actor=users.unit_admin, org=tree.branch, code="U1-B1", short_name="一支部")
    assert fresh(tree.branch).short_name == "一支部"

    with pytest.raises(ApplicationError, match="组织编码“U1-B2”已被使用"):
        org_update(actor=users.unit_admin, org=fresh(tree.branch), code="U1-B2")
    assert fresh(tree.branch).code == "U1-B1"


def test_it_refuses_a_new_type_its_children_do_not_fit(tree, users):
    with pytest.raises(ApplicationError, match="下级组织“第一党小组”（党小组）不能设在党总支下"):
        org_update(actor=users.committee_admin, org=tree.branch, org_type=OrgType.GENERAL_BRANCH)
    assert fresh(tree.branch).org_type == OrgType.BRANCH


def test_it_refuses_a_new_type_that_does_not_fit_under_the_parent(tree, users):
    with pytest.raises(ApplicationError, match="机关党委下不能设立党小组"):
        org_update(actor=users.unit_admin, org=tree.other_branch, org_type=OrgType.PARTY_GROUP)


def test_it_lets_a_branch_become_a_joint_branch(tree, users):
    org_update(actor=users.unit_admin, org=tree.branch, org_type=OrgType.JOINT_BRANCH)
    assert fresh(tree.branch).get_org_type_display() == "联合支部"
    assert last_audit("org.update").changes == {"org_type": ["branch", "joint_branch"]}


def test_it_refuses_a_term_end_before_start_on_update(tree, users):
    with pytest.raises(ApplicationError, match="任期届满日期必须晚于任期开始日期"):
        org_update(
            actor=users.unit_admin,
            org=tree.branch,
            term_start=date(2025, 1, 1),
            term_end=date(2024, 1, 1),
        )
    assert fresh(tree.branch).term_start is None


@pytest.mark.parametrize("who", ["leader", "secretary", "member", "outsider"])
def test_it_refuses_update_for_users_who_do_not_administer_the_org(tree, users, who):
    with pytest.raises(PermissionDenied):
        org_update(actor=getattr(users, who), org=tree.branch, name="改名")
    assert fresh(tree.branch).name == "发改委第一党支部"


def test_it_refuses_to_change_a_dissolved_org(tree, users):
    org_dissolve(actor=users.unit_admin, org=tree.other_branch, reason="机构改革")
    with pytest.raises(ApplicationError, match="已撤销的组织不能修改"):
        org_update(actor=users.unit_admin, org=fresh(tree.other_branch), name="改名")
    assert fresh(tree.other_branch).name == "发改委第二党支部"
    with pytest.raises(ApplicationError, match="已撤销的组织不能调整班子成员"):
        committee_seat_add(
            actor=users.unit_admin, org=fresh(tree.other_branch), name="张三", post="secretary"
        )


# --- move --------------------------------------------------------------------------------


def test_it_moves_an_org_with_its_whole_subtree(tree, users):
    moved = org_move(actor=users.committee_admin, org=tree.branch, new_parent=tree.far_unit)

    assert parent_of(moved) == tree.far_unit
    group = fresh(tree.group)
    assert group.path.startswith(moved.path)
    assert group.path.startswith(fresh(tree.far_unit).path)
    assert group.depth == 4
    assert fresh(tree.unit).numchild == 1
    assert fresh(tree.far_unit).numchild == 2
    entry = last_audit("org.move")
    assert entry.username == "gwadmin"
    assert entry.changes == {"parent": ["市发改委机关党委", "市民政局机关党总支"]}


def test_it_carries_the_scope_of_grants_along_with_a_moved_org(tree, users, client):
    org_move(actor=users.committee_admin, org=tree.branch, new_parent=tree.far_unit)

    from mofan.core.access import scope_of

    secretary = type(users.secretary).objects.get(pk=users.secretary.pk)
    assert scope_of(secretary).sees(fresh(tree.group).path)
    unit_admin = type(users.unit_admin).objects.get(pk=users.unit_admin.pk)
    assert not scope_of(unit_admin).sees(fresh(tree.group).path)


def test_it_lets_a_unit_admin_move_a_party_group_between_their_branches(tree, users):
    org_move(actor=users.unit_admin, org=tree.group, new_parent=tree.other_branch)
    assert parent_of(tree.group) == tree.other_branch


@pytest.mark.parametrize("target", ["unit", "branch", "group"])
def test_it_refuses_a_move_under_the_org_itself_or_its_descendants(tree, users, target):
    with pytest.raises(ApplicationError, match="不能把组织移动到它自己或它的下级组织之下"):
        org_move(actor=users.committee_admin, org=tree.unit, new_parent=getattr(tree, target))
    assert parent_of(tree.unit) == tree.committee


def test_it_refuses_a_move_by_the_admin_of_the_org_itself(tree, users):
    # A unit admin may move what lies below the unit, never the unit itself.
    with pytest.raises(PermissionDenied):
        org_move(actor=users.unit_admin, org=tree.unit, new_parent=tree.committee)


def test_it_refuses_a_move_to_a_parent_outside_the_actors_scope(tree, users):
    with pytest.raises(PermissionDenied):
        org_move(actor=users.unit_admin, org=tree.branch, new_parent=tree.far_unit)
    assert parent_of(tree.branch) == tree.unit


@pytest.mark.parametrize("who", ["secretary", "leader", "member"])
def test_it_refuses_a_move_by_read_only_users(tree, users, who):
    with pytest.raises(PermissionDenied):
        org_move(actor=getattr(users, who), org=tree.group, new_parent=tree.other_branch)
    assert parent_of(tree.group) == tree.branch


def test_it_refuses_a_move_where_the_type_does_not_fit(tree, users):
    with pytest.raises(ApplicationError, match="机关党委下不能设立党小组"):
        org_move(actor=users.committee_admin, org=tree.group, new_parent=tree.unit)


def test_it_refuses_a_move_to_the_current_parent(tree, users):
    with pytest.raises(ApplicationError, match="新的上级组织与原上级组织相同"):
        org_move(actor=users.committee_admin, org=tree.branch, new_parent=tree.unit)
    assert not AuditLog.objects.filter(action="org.move").exists()


def test_it_refuses_to_move_a_dissolved_org(tree, users):
    org_dissolve(actor=users.unit_admin, org=tree.other_branch, reason="机构改革")
    with pytest.raises(ApplicationError, match="已撤销的组织不能移动"):
        org_move(actor=users.committee_admin, org=tree.other_branch, new_parent=tree.far_unit)


# --- dissolve ----------------------------------------------------------------------------


def test_it_dissolves_an_org_and_keeps_its_record(tree, users):
    org_dissolve(actor=users.unit_admin, org=tree.other_branch, reason=" 机构改革，并入第一支部 ")

    kept = fresh(tree.other_branch)
    assert kept.dissolved_on == timezone.localdate()
    assert kept.dissolve_reason == "机构改革，并入第一支部"
    entry = last_audit("org.dissolve")
    assert entry.username == "unitadmin"
    assert entry.changes == {
        "dissolve_reason": ["", "机构改革，并入第一支部"],
        "dissolved_on": [None, timezone.localdate().isoformat()],
    }


def test_it_dissolves_on_a_given_date(tree, users):
    org_dissolve(actor=users.unit_admin, org=tree.group, reason="合并", on=date(2024, 6, 30))
    assert fresh(tree.group).dissolved_on == date(2024, 6, 30)


def test_it_refuses_to_dissolve_while_active_children_exist(tree, users):
    with pytest.raises(ApplicationError, match="请先撤销或移走下级组织“第一党小组”"):
        org_dissolve(actor=users.unit_admin, org=tree.branch, reason="合并")
    assert fresh(tree.branch).dissolved_on is None

    org_dissolve(actor=users.unit_admin, org=tree.group, reason="合并")
    org_dissolve(actor=users.unit_admin, org=fresh(tree.branch), reason="合并")
    assert fresh(tree.branch).is_dissolved


def test_it_refuses_to_dissolve_without_a_reason(tree, users):
    with pytest.raises(ApplicationError, match="请填写撤销原因"):
        org_dissolve(actor=users.unit_admin, org=tree.other_branch, reason="  ")
    assert fresh(tree.other_branch).dissolved_on is None


def test_it_refuses_to_dissolve_twice(tree, users):
    org_dissolve(actor=users.unit_admin, org=tree.other_branch, reason="合并", on=date(2024, 1, 1))
    with pytest.raises(ApplicationError, match="该组织已经撤销"):
        org_dissolve(actor=users.unit_admin, org=fresh(tree.other_branch), reason="再次")
    assert fresh(tree.other_branch).dissolved_on == date(2024, 1, 1)


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_it_refuses_dissolve_by_users_who_are_not_admins_above(tree, users, who):
    with pytest.raises(PermissionDenied):
        org_dissolve(actor=getattr(users, who), org=tree.other_branch, reason="合并")
    assert fresh(tree.other_branch).dissolved_on is None


def test_it_refuses_a_secretary_dissolving_their_own_branch(tree, users):
    org_dissolve(actor=users.unit_admin, org=tree.group, reason="合并")
    with pytest.raises(PermissionDenied):
        org_dissolve(actor=users.secretary, org=tree.branch, reason="合并")


# --- committee ---------------------------------------------------------------------------


def test_it_adds_and_removes_committee_members(tree, users):
    seat = committee_seat_add(
        actor=users.unit_admin, org=tree.branch, name=" 张三 ", post="secretary", sort_order=1
    )
    assert str(seat) == "张三（书记）"
    assert last_audit("org.committee.add").changes == {"committee": [None, "张三（书记）"]}
    assert last_audit("org.committee.add").target_id == str(tree.branch.pk)

    committee_seat_remove(actor=users.unit_admin, seat=seat)
    assert not CommitteeSeat.objects.filter(pk=seat.pk).exists()
    assert last_audit("org.committee.remove").changes == {"committee": ["张三（书记）", None]}


def test_it_refuses_a_committee_member_without_a_name_or_with_a_bad_post(tree, users):
    with pytest.raises(ApplicationError, match="请填写姓名"):
        committee_seat_add(actor=users.unit_admin, org=tree.branch, name=" ", post="secretary")
    with pytest.raises(ApplicationError, match="职务不正确"):
        committee_seat_add(actor=users.unit_admin, org=tree.branch, name="李四", post="boss")
    assert not CommitteeSeat.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="org.committee").exists()


@pytest.mark.parametrize("who", ["leader", "secretary", "outsider"])
def test_it_refuses_committee_changes_by_read_only_users(tree, users, who):
    seat = committee_seat_add(actor=SYSTEM, org=tree.branch, name="张三", post="secretary")
    with pytest.raises(PermissionDenied):
        committee_seat_add(actor=getattr(users, who), org=tree.branch, name="李四", post="member")
    with pytest.raises(PermissionDenied):
        committee_seat_remove(actor=getattr(users, who), seat=seat)
    assert list(CommitteeSeat.objects.values_list("name", flat=True)) == ["张三"]


# --- audit in the same transaction -------------------------------------------------------


def test_it_leaves_no_audit_record_when_a_service_fails(tree, users):
    before = AuditLog.objects.count()
    for call in [
        lambda: create_branch(users.committee_admin, tree.group),
        lambda: org_update(actor=users.unit_admin, org=tree.branch, code="U2"),
        lambda: org_move(actor=users.committee_admin, org=tree.unit, new_parent=tree.branch),
        lambda: org_dissolve(actor=users.unit_admin, org=tree.branch, reason="合并"),
    ]:
        with pytest.raises(ApplicationError):
            call()
    assert AuditLog.objects.count() == before


def test_it_undoes_the_write_when_its_audit_record_cannot_be_saved(tree, users, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit", broken_audit)
    with pytest.raises(RuntimeError):
        create_branch(users.committee_admin, tree.unit)
    with pytest.raises(RuntimeError):
        org_update(actor=users.unit_admin, org=tree.branch, name="改名")
    with pytest.raises(RuntimeError):
        org_dissolve(actor=users.unit_admin, org=tree.other_branch, reason="合并")
    with pytest.raises(RuntimeError):
        org_move(actor=users.committee_admin, org=tree.branch, new_parent=tree.far_unit)

    assert not Org.objects.filter(code="NEW-1").exists()
    assert fresh(tree.branch).name == "发改委第一党支部"
    assert parent_of(tree.branch) == tree.unit
    assert fresh(tree.other_branch).dissolved_on is None


def test_it_builds_a_deeper_tree_through_the_same_service(tree):
    basic = make_org(tree.unit, OrgType.BASIC_COMMITTEE, "某中心基层党委")
    general = make_org(basic, OrgType.GENERAL_BRANCH)
    branch = make_org(general, OrgType.JOINT_BRANCH)
    group = make_org(branch, OrgType.PARTY_GROUP)
    assert fresh(group).depth == 6
    assert [o.pk for o in Org.objects.get_ancestors(fresh(group))] == [
        tree.committee.pk,
        tree.unit.pk,
        basic.pk,
        general.pk,
        branch.pk,
    ]


# --- health rules ------------------------------------------------------------------------


def test_it_changes_a_health_rule_with_an_audit_record(tree, users):
    rule = HealthRule.objects.get(code="branch-too-large")
    health_rule_update(
        actor=users.committee_admin, rule=rule, conditions=[["members", "gt", 40]], enabled=False
    )
    rule.refresh_from_db()
    assert rule.conditions == [["members", "gt", 40]]
    assert not rule.enabled
    entry = last_audit("health_rule.update")
    assert entry.changes == {
        "conditions": [[["members", "gt", 50]], [["members", "gt", 40]]],
        "enabled": [True, False],
    }


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ([["head_count", "gt", 50]], "未知指标“head_count”"),
        ([["members", "more", 50]], "未知比较方式“more”"),
        ([["members", "gt", "50"]], "条件数值须为整数：50"),
        ([["members", "gt", True]], "条件数值须为整数"),
        ([["members", "gt"]], r"每个条件须为 \[指标, 比较, 数值\]"),
        ([], "规则至少需要一个条件"),
        ({"members": 50}, "规则至少需要一个条件"),
    ],
)
def test_it_refuses_bad_rule_conditions(tree, users, conditions, message):
    rule = HealthRule.objects.get(code="branch-too-large")
    with pytest.raises(ApplicationError, match=message):
        health_rule_update(actor=users.committee_admin, rule=rule, conditions=conditions)
    assert HealthRule.objects.get(code="branch-too-large").conditions == [["members", "gt", 50]]
    assert not AuditLog.objects.filter(action="health_rule.update").exists()


@pytest.mark.parametrize("who", ["unit_admin", "leader", "secretary"])
def test_it_lets_only_the_committee_admin_change_rules(tree, users, who):
    rule = HealthRule.objects.get(code="branch-too-large")
    with pytest.raises(PermissionDenied):
        health_rule_update(actor=getattr(users, who), rule=rule, enabled=False)
    assert HealthRule.objects.get(code="branch-too-large").enabled
