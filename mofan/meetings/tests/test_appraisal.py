"""民主评议党员: one round a year per branch, grades for full members only, at most one third
优秀, closing needs every full member graded; the pages, the API, scope and the audit."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mofan.core.errors import ApplicationError
from mofan.core.models import AuditLog
from mofan.meetings.appraisal import (
    appraisal_close,
    appraisal_grade,
    appraisal_open,
    excellent_limit,
)
from mofan.meetings.models import AppraisalResult, AppraisalRound, Grade
from mofan.members.models import Category, Member, Status

YEAR = 2025
HELD_ON = date(2025, 12, 10)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def people(tree, make_member):
    """people(full, probationary=0) → (full members, probationary members) of the branch."""

    def _people(full, probationary=0):
        fulls = [make_member(tree.branch, name=f"正式{i:02d}") for i in range(full)]
        probs = [
            make_member(
                tree.branch,
                name=f"预备{i:02d}",
                category=Category.PROBATIONARY,
                joined_on=date(2025, 3, 1),
            )
            for i in range(probationary)
        ]
        return fulls, probs

    return _people


@pytest.fixture
def opened(users, tree, people):
    """A round for the branch with 9 full and 2 probationary members."""
    fulls, probs = people(9, 2)
    round_ = appraisal_open(actor=users.secretary, org=tree.branch, year=YEAR, held_on=HELD_ON)
    return round_, fulls, probs


def grades_of(round_) -> dict[str, str]:
    return dict(round_.results.values_list("member__name", "grade"))


def all_graded(fulls, excellent=0) -> dict[int, str]:
    return {
        m.id: Grade.EXCELLENT if i < excellent else Grade.QUALIFIED for i, m in enumerate(fulls)
    }


# --- the round ---------------------------------------------------------------------------------


def test_it_lists_every_current_member_of_the_branch_in_the_round(users, tree, make_member):
    make_member(tree.branch, name="甲")
    make_member(tree.branch, name="乙", category=Category.PROBATIONARY, joined_on=date(2025, 3, 1))
    make_member(tree.other_branch, name="丙")
    gone = make_member(tree.branch, name="丁")
    Member.objects.filter(pk=gone.pk).update(status=Status.DECEASED)
    round_ = appraisal_open(actor=users.secretary, org=tree.branch, year=YEAR, held_on=HELD_ON)
    assert grades_of(round_) == {"甲": "", "乙": ""}
    assert not round_.closed


def test_it_refuses_a_second_round_in_the_same_year(users, tree, people):
    people(3)
    appraisal_open(actor=users.secretary, org=tree.branch, year=YEAR, held_on=HELD_ON)
    with pytest.raises(ApplicationError) as refused:
        appraisal_open(
            actor=users.unit_admin, org=tree.branch, year=YEAR, held_on=date(2025, 12, 20)
        )
    assert refused.value.message == f"发改委第一党支部 {YEAR} 年的民主评议已经建立"
    assert AppraisalRound.objects.filter(org=tree.branch).count() == 1
    # The next year is a new round.
    appraisal_open(actor=users.secretary, org=tree.branch, year=YEAR + 1, held_on=date(2026, 1, 5))
    assert AppraisalRound.objects.filter(org=tree.branch).count() == 2


def test_it_holds_appraisals_only_in_branches(users, tree):
    with pytest.raises(ApplicationError, match="民主评议党员以党支部为单位进行"):
        appraisal_open(actor=users.unit_admin, org=tree.unit, year=YEAR, held_on=HELD_ON)
    assert not AppraisalRound.objects.exists()


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_it_lets_only_writers_of_the_branch_open_a_round(users, tree, who):
    with pytest.raises(PermissionDenied):
        appraisal_open(actor=getattr(users, who), org=tree.branch, year=YEAR, held_on=HELD_ON)
    assert not AppraisalRound.objects.exists()


# --- grades -----------------------------------------------------------------------------------


def test_it_grades_full_members_with_the_four_grades(users, opened):
    round_, fulls, _ = opened
    grades = dict(zip([m.id for m in fulls[:4]], Grade.values, strict=True))
    grades.update({m.id: Grade.QUALIFIED for m in fulls[4:]})
    appraisal_grade(actor=users.secretary, round_=round_, grades=grades)
    saved = grades_of(round_)
    assert [saved[m.name] for m in fulls[:4]] == ["excellent", "qualified", "basic", "unqualified"]
    assert saved["预备00"] == saved["预备01"] == ""


def test_it_refuses_more_than_one_third_excellent_with_the_numbers(users, opened):
    round_, fulls, _ = opened
    with pytest.raises(ApplicationError) as refused:
        appraisal_grade(actor=users.secretary, round_=round_, grades=all_graded(fulls, 4))
    assert refused.value.message == (
        "评为优秀的党员不能超过参评正式党员的三分之一：正式党员 9 人，最多 3 人优秀，现为 4 人"
    )
    assert set(grades_of(round_).values()) == {""}  # nothing saved
    # Exactly one third is allowed; the two probationary members do not count.
    appraisal_grade(actor=users.secretary, round_=round_, grades=all_graded(fulls, 3))
    assert list(grades_of(round_).values()).count("excellent") == 3


def test_it_counts_excellent_grades_already_saved_against_the_limit(users, opened):
    round_, fulls, _ = opened
    appraisal_grade(actor=users.secretary, round_=round_, grades=all_graded(fulls, 3))
    with pytest.raises(ApplicationError, match="最多 3 人优秀，现为 4 人"):
        appraisal_grade(actor=users.secretary, round_=round_, grades={fulls[5].id: Grade.EXCELLENT})
    assert list(grades_of(round_).values()).count("excellent") == 3


@pytest.mark.parametrize(
    ("full", "limit"), [(0, 0), (1, 0), (2, 0), (3, 1), (5, 1), (6, 2), (9, 3), (10, 3), (50, 16)]
)
def test_it_rounds_one_third_down(full, limit):
    assert excellent_limit(full) == limit


@given(st.integers(0, 10_000))
def test_it_allows_the_largest_number_of_excellent_within_one_third(full):
    limit = excellent_limit(full)
    assert limit * 3 <= full < (limit + 1) * 3


def test_it_lists_probationary_members_but_refuses_a_grade_for_them(users, opened):
    round_, fulls, probs = opened
    grades = {**all_graded(fulls), probs[0].id: Grade.QUALIFIED}
    with pytest.raises(ApplicationError) as refused:
        appraisal_grade(actor=users.secretary, round_=round_, grades=grades)
    assert refused.value.message == "预备00 是预备党员，参加评议但不评定等次"
    assert set(grades_of(round_).values()) == {""}
    # An empty grade for them is simply "not graded".
    appraisal_grade(actor=users.secretary, round_=round_, grades={probs[0].id: ""})


def test_it_refuses_unknown_grades_and_people_outside_the_round(users, tree, opened, make_member):
    round_, fulls, _ = opened
    with pytest.raises(ApplicationError, match="等次须为优秀、合格、基本合格或不合格"):
        appraisal_grade(actor=users.secretary, round_=round_, grades={fulls[0].id: "good"})
    stranger = make_member(tree.other_branch)
    with pytest.raises(ApplicationError, match="评议名单中没有该党员"):
        appraisal_grade(actor=users.secretary, round_=round_, grades={stranger.id: "qualified"})


def test_it_closes_only_when_every_full_member_is_graded(users, opened):
    round_, fulls, _ = opened
    appraisal_grade(actor=users.secretary, round_=round_, grades=all_graded(fulls[:7]))
    with pytest.raises(ApplicationError) as refused:
        appraisal_close(actor=users.secretary, round_=round_)
    assert refused.value.message == "还有 2 名正式党员未评定等次"
    assert not AppraisalRound.objects.get(pk=round_.pk).closed

    appraisal_grade(actor=users.secretary, round_=round_, grades=all_graded(fulls, 2))
    appraisal_close(actor=users.secretary, round_=round_)  # probationary members stay ungraded
    assert AppraisalRound.objects.get(pk=round_.pk).closed
    with pytest.raises(ApplicationError, match="该次评议已完成，不能再修改"):
        appraisal_grade(actor=users.secretary, round_=round_, grades={fulls[0].id: Grade.BASIC})


@pytest.mark.parametrize("who", ["outsider", "leader", "member"])
def test_it_lets_only_writers_of_the_branch_grade_and_close(users, opened, who):
    round_, fulls, _ = opened
    actor = getattr(users, who)
    with pytest.raises(PermissionDenied):
        appraisal_grade(actor=actor, round_=round_, grades=all_graded(fulls))
    with pytest.raises(PermissionDenied):
        appraisal_close(actor=actor, round_=round_)
    assert set(grades_of(round_).values()) == {""}


def test_it_writes_an_audit_row_for_each_step(users, opened):
    round_, fulls, _ = opened
    appraisal_grade(actor=users.secretary, round_=round_, grades=all_graded(fulls, 3))
    appraisal_close(actor=users.unit_admin, round_=round_)
    rows = list(
        AuditLog.objects.filter(action__startswith="appraisal.")
        .order_by("id")
        .values_list("action", "username", "target_id", "detail")
    )
    assert rows == [
        ("appraisal.open", "secretary", str(round_.pk), ""),
        ("appraisal.grade", "secretary", str(round_.pk), "优秀 3 人"),
        ("appraisal.close", "unitadmin", str(round_.pk), ""),
    ]


# --- pages ------------------------------------------------------------------------------------


def test_it_opens_a_round_from_the_list_page(users, tree, login, people):
    people(3, 1)
    client = login(users.secretary)
    page = client.get("/meetings/appraisals/")
    assert "开展民主评议" in text(page)
    data = {"org": tree.branch.id, "year": YEAR, "held_on": "2025-12-10"}
    response = client.post("/meetings/appraisals/new/", data)
    round_ = AppraisalRound.objects.get()
    assert response["Location"] == f"/meetings/appraisals/{round_.id}/"
    assert round_.results.count() == 4

    again = client.post("/meetings/appraisals/new/", data, follow=True)
    assert f"发改委第一党支部 {YEAR} 年的民主评议已经建立" in text(again)
    assert AppraisalRound.objects.count() == 1


def test_it_offers_and_opens_rounds_only_for_the_users_own_branches(users, tree, login):
    outsider = login(users.outsider)
    form = text(outsider.get("/meetings/appraisals/"))
    assert "发改委第二党支部" in form and "发改委第一党支部" not in form
    outsider.post(
        "/meetings/appraisals/new/", {"org": tree.branch.id, "year": YEAR, "held_on": "2025-12-10"}
    )
    assert not AppraisalRound.objects.exists()
    assert "开展民主评议" not in text(login(users.leader).get("/meetings/appraisals/"))


def test_it_shows_the_form_to_open_a_round_on_its_own_page(users, tree, login):
    response = login(users.secretary).get("/meetings/appraisals/new/")
    assert response.status_code == 200
    page = text(response)
    assert "开展民主评议党员" in page and 'name="held_on"' in page
    assert f'<option value="{tree.branch.id}" data-name="{tree.branch.name}"' in page
    assert "没有评议记录" not in page  # not the list


def test_it_re_shows_the_form_with_the_error_when_opening_is_refused(users, tree, login):
    client = login(users.secretary)
    data = {"org": tree.branch.id, "year": YEAR, "held_on": "2025-12-10"}
    client.post("/meetings/appraisals/new/", data)
    again = client.post("/meetings/appraisals/new/", data)
    assert again.status_code == 200
    assert f"发改委第一党支部 {YEAR} 年的民主评议已经建立" in text(again)
    assert 'name="held_on"' in text(again)


def test_it_refuses_the_form_to_a_user_who_may_not_record(users, login):
    assert login(users.leader).get("/meetings/appraisals/new/").status_code == 403


def test_it_grades_on_the_round_page_and_keeps_a_refused_choice(users, login, opened):
    round_, fulls, probs = opened
    client = login(users.secretary)
    page = text(client.get(f"/meetings/appraisals/{round_.id}/"))
    assert "参评正式党员 9 人，评为优秀的不超过三分之一（最多 3 人）" in page
    assert f'name="grade-{fulls[0].id}"' in page
    assert f'name="grade-{probs[0].id}"' not in page  # listed, not graded
    assert "预备00" in page and "不评定等次" in page

    too_many = {
        f"grade-{m.id}": g for m, g in zip(fulls, all_graded(fulls, 4).values(), strict=True)
    }
    refused = text(client.post(f"/meetings/appraisals/{round_.id}/", too_many))
    assert "正式党员 9 人，最多 3 人优秀，现为 4 人" in refused
    assert refused.count('value="excellent" selected') == 4  # the choices stay on the form
    assert set(grades_of(round_).values()) == {""}

    fine = {f"grade-{m.id}": g for m, g in zip(fulls, all_graded(fulls, 3).values(), strict=True)}
    response = client.post(f"/meetings/appraisals/{round_.id}/", {**fine, "close": "1"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.closed
    closed = text(client.get(f"/meetings/appraisals/{round_.id}/"))
    assert "<select" not in closed and "保存并完成评议" not in closed


def test_it_refuses_to_close_on_the_page_naming_who_is_missing(users, login, opened):
    round_, fulls, _ = opened
    client = login(users.secretary)
    partial = {f"grade-{m.id}": "qualified" for m in fulls[:8]}
    page = text(client.post(f"/meetings/appraisals/{round_.id}/", {**partial, "close": "1"}))
    assert "还有 1 名正式党员未评定等次" in page
    assert not AppraisalRound.objects.get(pk=round_.pk).closed


def test_it_summarises_the_grades_on_the_list_page(users, tree, login, opened):
    round_, fulls, _ = opened
    grades = all_graded(fulls, 3)
    grades[fulls[3].id] = Grade.BASIC
    grades[fulls[4].id] = Grade.UNQUALIFIED
    appraisal_grade(actor=users.secretary, round_=round_, grades=grades)
    page = text(login(users.unit_admin).get("/meetings/appraisals/"))
    assert "合计：优秀 3 人；合格 4 人；基本合格 1 人；不合格 1 人；" in page
    assert "未评定等次（含不评定等次的预备党员）2 人" in page
    assert "<td>3</td><td>4</td><td>1</td><td>1</td><td>进行中</td>" in page
    assert "排名" not in page and "积分" not in page  # counts, never a ranking of people


def test_it_sums_the_grades_of_every_round_not_only_the_first_page(users, tree, login, make_member):
    member = make_member(tree.branch)
    rounds = AppraisalRound.objects.bulk_create(
        AppraisalRound(org=tree.branch, year=y, held_on=date(y, 12, 1)) for y in range(1970, 2025)
    )
    oldest = min(rounds, key=lambda r: r.year)
    AppraisalResult.objects.create(round=oldest, member=member, grade=Grade.EXCELLENT)
    page = text(login(users.secretary).get("/meetings/appraisals/"))
    assert "1970" not in page  # on a later page
    assert "合计：优秀 1 人" in page


def test_it_filters_the_list_by_year(users, tree, login, people):
    people(1)
    appraisal_open(actor=users.secretary, org=tree.branch, year=2024, held_on=date(2024, 12, 1))
    appraisal_open(actor=users.secretary, org=tree.branch, year=2025, held_on=date(2025, 12, 1))
    page = text(login(users.secretary).get("/meetings/appraisals/?year=2024"))
    assert "2024-12-01" in page and "2025-12-01" not in page


def test_it_answers_404_to_an_outsider(users, login, opened):
    round_, fulls, _ = opened
    client = login(users.outsider)
    assert client.get(f"/meetings/appraisals/{round_.id}/").status_code == 404
    response = client.post(f"/meetings/appraisals/{round_.id}/", {f"grade-{fulls[0].id}": "basic"})
    assert response.status_code == 404
    assert "发改委第一党支部" not in text(client.get("/meetings/appraisals/"))
    assert set(grades_of(round_).values()) == {""}


def test_it_answers_404_for_a_round_that_does_not_exist(users, login):
    assert login(users.committee_admin).get("/meetings/appraisals/999999/").status_code == 404


@pytest.mark.parametrize("who", ["leader", "member"])
def test_it_shows_a_round_read_only_and_refuses_grades_with_403(users, login, opened, who):
    round_, fulls, _ = opened
    client = login(getattr(users, who))
    page = client.get(f"/meetings/appraisals/{round_.id}/")
    assert page.status_code == 200
    assert "<select" not in text(page) and "正式00" in text(page)
    response = client.post(f"/meetings/appraisals/{round_.id}/", {f"grade-{fulls[0].id}": "basic"})
    assert response.status_code == 403
    assert set(grades_of(round_).values()) == {""}


def test_it_requires_login(client, opened):
    round_, _, _ = opened
    for url in ("/meetings/appraisals/", f"/meetings/appraisals/{round_.id}/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")


# --- API --------------------------------------------------------------------------------------


def test_it_counts_grades_per_round_in_the_api(users, tree, api, opened):
    round_, fulls, _ = opened
    appraisal_grade(actor=users.secretary, round_=round_, grades=all_graded(fulls, 3))
    appraisal_close(actor=users.secretary, round_=round_)
    response = api(users.leader).get(f"/api/v1/appraisals?year={YEAR}")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": round_.id,
            "org_id": tree.branch.id,
            "org_name": "发改委第一党支部",
            "year": YEAR,
            "closed": True,
            "grades": {"excellent": 3, "qualified": 6, "ungraded": 2},
        }
    ]
    assert api(users.leader).get(f"/api/v1/appraisals?year={YEAR - 1}").json() == []


def test_it_keeps_the_api_within_the_users_scope(users, tree, api, opened):
    client = api(users.outsider)
    assert client.get("/api/v1/appraisals").json() == []
    assert client.get(f"/api/v1/appraisals?org={tree.branch.id}").status_code == 404
    assert (
        api(users.unit_admin).get(f"/api/v1/appraisals?org={tree.unit.id}").json()[0]["org_name"]
        == "发改委第一党支部"
    )


def test_it_fills_in_this_year_on_the_form(users, login):
    page = text(login(users.secretary).get("/meetings/appraisals/"))
    assert f'value="{timezone.localdate().year}"' in page


def test_it_exports_the_results_of_a_sub_tree_with_every_member_and_grade(
    users, tree, opened, login
):
    import io

    from openpyxl import load_workbook

    round_, fulls, probs = opened
    appraisal_grade(actor=users.secretary, round_=round_, grades={fulls[0].id: Grade.EXCELLENT})
    response = login(users.unit_admin).get(f"/meetings/appraisals/?org={tree.unit.id}&export=1")
    rows = list(
        load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True)
    )
    assert len(rows) == 11
    assert (YEAR, tree.branch.name, "正式00", "正式党员", "优秀") in rows
    assert (YEAR, tree.branch.name, "预备00", "预备党员", "不评定等次") in rows
    assert AuditLog.objects.filter(action="appraisal.export", username="unitadmin").exists()
    elsewhere = login(users.unit_admin).get(f"/meetings/appraisals/?org={tree.far_unit.id}")
    assert elsewhere.status_code == 404
