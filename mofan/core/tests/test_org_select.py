"""The org tree select and unit picker (core/widgets.py): options that show the tree, a single
select that starts on the user's own org, and a fixed number of queries whatever the size of
the tree."""

from html.parser import HTMLParser

import pytest
from django.utils import timezone

from mofan.accounts.services import grant_create
from mofan.core.access import ADMIN_ROLES, RECORDER_ROLES, SYSTEM, Role
from mofan.meetings.forms import AppraisalForm
from mofan.members.forms import ImportForm, TransferForm
from mofan.orgs.models import BRANCH_TYPES
from mofan.orgs.selectors import active_branches, orgs_under_roles
from mofan.plans.forms import InstructionForm, PlanForm
from mofan.plans.models import Instruction, Plan
from mofan.site.bench.tree import build_tree
from mofan.site.tests.factories import make_user


class Options(HTMLParser):
    """The options of the first select in some HTML: their attributes and text."""

    def __init__(self, html: str):
        super().__init__()
        self.options: list[dict] = []
        self.select: dict = {}
        self._in_option = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "select" and not self.select:
            self.select = dict(attrs)
        elif tag == "option":
            self.options.append({**dict(attrs), "text": ""})
            self._in_option = True

    def handle_endtag(self, tag):
        if tag == "option":
            self._in_option = False

    def handle_data(self, data):
        if self._in_option:
            self.options[-1]["text"] += data

    def by_name(self, name: str) -> dict:
        return next(o for o in self.options if o.get("data-name") == name)

    def selected(self) -> list[str]:
        return [o.get("data-name", o["text"]) for o in self.options if "selected" in o]


def administered(user):
    return orgs_under_roles(actor=user, roles=ADMIN_ROLES)


def branches_of(user):
    return orgs_under_roles(actor=user, roles=RECORDER_ROLES, org_types=BRANCH_TYPES)


def plan_form(user, data=None):
    return PlanForm(data, orgs=administered(user), masters=Plan.objects.none())


def test_the_options_show_the_tree_with_each_orgs_path(tree, users):
    orgs = administered(users.committee_admin)
    select = Options(str(InstructionForm(orgs=orgs, units=orgs)["org"]))
    assert "data-org-select" in select.select
    assert [o["text"] for o in select.options] == [
        "请选择",
        "市直机关工委",
        "　市发改委机关党委",
        "　　发改委第一党支部",
        "　　　第一党小组",
        "　　发改委第二党支部",
        "　市民政局机关党总支",
        "　　民政局第一党支部",
    ]
    branch = select.by_name("发改委第一党支部")
    assert branch["data-trail"] == "市发改委机关党委 › 发改委第一党支部"
    assert branch["data-level"] == "2"
    assert select.by_name("第一党小组")["data-trail"] == (
        "市发改委机关党委 › 发改委第一党支部 › 第一党小组"
    )
    assert select.by_name("市直机关工委")["data-trail"] == "市直机关工委"


def test_the_path_names_ancestors_that_are_not_choices(tree, users):
    """A secretary's branch list: the unit above is no choice, yet its name is in the path."""
    select = Options(str(AppraisalForm(branches=branches_of(users.secretary))["org"]))
    branch = select.by_name("发改委第一党支部")
    assert branch["data-trail"] == "市发改委机关党委 › 发改委第一党支部"
    assert branch["data-level"] == "0"
    assert branch["text"] == "发改委第一党支部"


@pytest.mark.parametrize(
    "who, own", [("committee_admin", "市直机关工委"), ("unit_admin", "市发改委机关党委")]
)
def test_a_single_select_starts_on_the_users_own_org(tree, users, who, own):
    assert Options(str(plan_form(getattr(users, who))["org"])).selected() == [own]


def test_a_secretary_finds_their_branch_chosen(tree, users):
    form = AppraisalForm(branches=branches_of(users.secretary))
    assert Options(str(form["org"])).selected() == ["发改委第一党支部"]


def test_nothing_is_chosen_for_a_user_with_two_scope_roots(tree):
    user = make_user(Role.SECRETARY, tree.branch, "two_branches")
    grant_create(actor=SYSTEM, user=user, role=Role.SECRETARY, org=tree.far_branch)
    assert Options(str(AppraisalForm(branches=branches_of(user))["org"])).selected() == ["请选择"]


def test_nothing_is_chosen_where_the_choices_are_not_one_sub_tree(tree, users):
    """转入支部 lists every branch: none of them is the user's own choice."""
    form = TransferForm(branches=active_branches())
    assert Options(str(form["to_org"])).selected() == ["请选择"]


def test_an_optional_select_keeps_its_empty_choice(tree, users):
    form = ImportForm(branches=branches_of(users.secretary))
    assert Options(str(form["org"])).selected() == ["（每行须写明所在支部）"]


def test_a_given_value_wins_over_the_default(tree, users):
    form = PlanForm(
        orgs=administered(users.unit_admin),
        masters=Plan.objects.none(),
        initial={"org": tree.branch.id},
    )
    assert Options(str(form["org"])).selected() == ["发改委第一党支部"]
    refused = plan_form(users.unit_admin, {"org": str(tree.other_branch.id), "title": ""})
    assert not refused.is_valid()
    assert Options(str(refused["org"])).selected() == ["发改委第二党支部"]


def test_the_picker_keeps_every_unit_picked_when_the_form_is_refused(tree, users):
    orgs = administered(users.committee_admin)
    form = InstructionForm({"units": [tree.branch.id, tree.far_branch.id]}, orgs=orgs, units=orgs)
    assert not form.is_valid()
    picker = Options(str(form["units"]))
    assert "multiple" in picker.select and "data-org-picker" in picker.select
    assert picker.selected() == ["发改委第一党支部", "民政局第一党支部"]


def test_the_supervision_form_saves_several_units_and_the_page_shows_them(tree, users, login):
    client = login(users.committee_admin)
    today = timezone.localdate()
    picked = [tree.branch, tree.other_branch, tree.far_branch]
    response = client.post(
        "/plans/supervision/new/",
        {
            "org": tree.committee.id,
            "source": "leader",
            "level": "normal",
            "title": "报送调研报告",
            "content": "请报送",
            "received_on": today.isoformat(),
            "units": [o.id for o in picked],
            "deadline": today.isoformat(),
        },
        follow=True,
    )
    instruction = Instruction.objects.get()
    assert set(instruction.assignments.values_list("org", flat=True)) == {o.id for o in picked}
    page = response.content.decode()
    assert all(o.name in page for o in picked)


# --- rendering cost --------------------------------------------------------------------------


def render_queries(django_assert_num_queries, form, name, expected):
    with django_assert_num_queries(expected):
        return Options(str(form[name]))


@pytest.mark.parametrize("size", [30, 300])
def test_an_org_field_renders_with_two_queries_at_any_size(db, django_assert_num_queries, size):
    bench = build_tree(size, prefix=f"T{size}", party_groups=False)
    orgs = orgs_under_roles(actor=bench.unit_admin, roles=ADMIN_ROLES)
    branches = orgs_under_roles(
        actor=bench.committee_admin, roles=ADMIN_ROLES, org_types=BRANCH_TYPES
    )
    form = InstructionForm(orgs=orgs, units=branches)
    # The org's own rows, then the names of the branches' units: one query each.
    picker = render_queries(django_assert_num_queries, form, "units", 2)
    assert len(picker.options) == branches.count()
    assert all(" › " in o["data-trail"] for o in picker.options)
    select = render_queries(django_assert_num_queries, form, "org", 1)  # no ancestor outside
    assert select.selected() == [bench.unit.name]


@pytest.fixture
def sized_tree(db, request):
    return build_tree(request.param, prefix=f"P{request.param}", party_groups=False)


# The supervision form page of a committee admin: every org of the tree twice (督办组织 and
# 承办单位). The same 7 queries for 40 and 400 orgs: the options cost no query each.
PAGE_QUERY_BOUND = 7


@pytest.mark.parametrize("sized_tree", [40, 400], indirect=True)
def test_the_supervision_form_page_costs_the_same_queries_at_any_size(
    sized_tree, client, django_assert_max_num_queries
):
    client.force_login(sized_tree.committee_admin)
    with django_assert_max_num_queries(PAGE_QUERY_BOUND):
        response = client.get("/plans/supervision/new/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("data-org-select") >= 2
    assert page.count("<option ") >= 2 * sized_tree.size
