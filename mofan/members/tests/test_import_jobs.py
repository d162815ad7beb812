"""Large roster imports run as a background job (issue 9 §1): the page and the API answer at
once, the job page and GET /api/v1/jobs/{id} show progress and the result; all or nothing."""

import pytest
from huey.contrib.djhuey import HUEY

from mofan.core.jobs import job_create
from mofan.core.models import AuditLog, Job, JobStatus
from mofan.members.models import Member
from mofan.members.tests.test_import_export import person, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MOFAN_IMPORT_BACKGROUND_ROWS = 8  # the files have 3 heading rows above the data
    return tmp_path


@pytest.fixture(autouse=True)
def immediate_huey():
    before = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = before


def people(org, n, **cells):
    return [person(org, 姓名=f"导入{i}", **cells) for i in range(n)]


def leftover_files(media) -> list:
    return list((media / "imports").rglob("*.upload")) if (media / "imports").exists() else []


def preview_and_confirm(client, rows):
    """Upload a large file: its preview page, then its confirmation (→ the job page)."""
    preview = client.post("/members/import/", {"file": upload(rows)})
    assert preview.status_code == 200 and not Job.objects.exists()
    confirmed = client.post("/members/import/", {"token": preview.context["token"]})
    return preview, confirmed


def test_a_large_roster_is_previewed_by_its_first_rows_then_imported_in_the_background(
    tree, users, login, media
):
    client = login(users.secretary)
    preview, response = preview_and_confirm(client, people(tree.branch, 10))
    page = preview.content.decode()
    assert "预览：文件共 13 行，前 10 行中将新增 10 人，更新 0 人" in page
    assert "确认后由后台任务检查并导入全部数据" in page and "确认并在后台导入" in page
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert Member.objects.filter(org=tree.branch).count() == 10
    assert AuditLog.objects.filter(action="member.import", user=users.secretary).exists()
    page = client.get(response["Location"]).content.decode()
    assert "已完成" in page and "导入完成：新增 10 人，更新 0 人" in page
    assert '<progress max="100" value="100">' in page
    assert "hx-trigger" not in page  # a finished job stops polling
    assert job.created_by == users.secretary and (job.done, job.total) == (10, 10)
    assert not leftover_files(media)


def test_creating_the_job_is_audited_with_the_file_and_its_rows(tree, users, login):
    preview_and_confirm(login(users.secretary), people(tree.branch, 10))
    entry = AuditLog.objects.get(action="job.create")
    assert entry.user == users.secretary and entry.target_id == str(Job.objects.get().pk)
    assert entry.detail == "后台导入党员花名册：文件“花名册.xlsx”，工作表共 13 行"


def test_the_preview_of_a_large_file_reads_only_its_first_rows(tree, users, login, monkeypatch):
    monkeypatch.setattr("mofan.members.views.LARGE_PREVIEW_ROWS", 4)
    rows = people(tree.branch, 10)
    rows[1]["入党日期"] = "不是日期"  # within the preview
    rows[7]["入党日期"] = "也不是日期"  # beyond it: the background check finds it
    response = login(users.secretary).post("/members/import/", {"file": upload(rows)})
    page = response.content.decode()
    assert "文件中有 1 处错误，未导入任何数据" in page and "<td>5</td>" in page
    assert "文件共 13 行，这里只检查了前 4 行" in page
    assert response.context["token"] is None and not Job.objects.exists()


def test_it_reports_every_bad_row_of_a_background_import_and_saves_nothing(
    tree, users, login, media, monkeypatch
):
    monkeypatch.setattr("mofan.members.views.LARGE_PREVIEW_ROWS", 2)  # the errors lie beyond
    rows = people(tree.branch, 10)
    rows[2]["入党日期"] = "不是日期"
    rows[7]["所在支部"] = tree.far_branch.name
    client = login(users.secretary)
    _, response = preview_and_confirm(client, rows)
    page = client.get(response["Location"]).content.decode()
    assert Member.objects.count() == 0
    assert Job.objects.get().status == JobStatus.FAILED
    assert "文件中有 2 处错误，未导入任何数据" in page
    assert "<td>6</td>" in page and "<td>11</td>" in page  # rows 3 and 8 of the data
    assert "民政局第一党支部" in page
    assert not AuditLog.objects.filter(action="member.import").exists()
    assert not leftover_files(media)


def test_it_keeps_a_small_import_on_the_preview_page(tree, users, login):
    client = login(users.secretary)
    response = client.post("/members/import/", {"file": upload(people(tree.branch, 5))})
    assert response.status_code == 200 and response.context["token"]
    assert "预览：将新增 5 人" in response.content.decode()
    assert not Job.objects.exists() and not Member.objects.exists()


def test_the_job_page_polls_while_the_job_is_running(tree, users, login):
    job = job_create(actor=users.secretary, kind="member.import", scope_path=tree.branch.path)
    client = login(users.secretary)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "排队中" in page and "<progress" in page
    assert f'hx-get="/jobs/{job.pk}/"' in page and 'hx-trigger="every 2s"' in page
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=300, total=1200)
    fragment = client.get(f"/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "进行中" in fragment
    assert "已处理 300 / 1200 行" in fragment and 'value="25"' in fragment


@pytest.mark.parametrize("who, status", [("outsider", 404), ("member", 404), ("unit_admin", 200)])
def test_it_shows_a_job_only_to_its_owner_and_admins_over_it(tree, users, login, who, status):
    job = job_create(actor=users.secretary, kind="member.import", scope_path=tree.branch.path)
    assert login(getattr(users, who)).get(f"/jobs/{job.pk}/").status_code == status


def test_it_answers_404_to_an_unknown_job(tree, users, login):
    assert login(users.committee_admin).get("/jobs/999/").status_code == 404


# --- the API ------------------------------------------------------------------------------


def test_the_api_answers_202_and_the_job_tells_the_result(tree, users, api):
    client = api(users.secretary)
    response = client.post("/api/v1/members/import", {"file": upload(people(tree.branch, 10))})
    assert response.status_code == 202
    body = response.json()
    assert body["status_url"] == f"/api/v1/jobs/{body['job_id']}"
    job = client.get(body["status_url"])
    assert job.status_code == 200
    assert job.json()["status"] == "done" and job.json()["status_label"] == "已完成"
    assert job.json()["result"] == {"dry_run": False, "created": 10, "updated": 0}
    assert (job.json()["done"], job.json()["total"], job.json()["percent"]) == (10, 10, 100)
    assert Member.objects.count() == 10


def test_the_api_job_lists_the_bad_rows_and_nothing_is_saved(tree, users, api):
    rows = people(tree.branch, 10)
    rows[0]["公民身份号码"] = "123"
    client = api(users.secretary)
    body = client.post("/api/v1/members/import", {"file": upload(rows)}).json()
    job = client.get(body["status_url"]).json()
    assert job["status"] == "failed"
    assert [e["row"] for e in job["result"]["errors"]] == [4]
    assert job["result"]["more"] == 0 and job["result"]["error_total"] == 1
    assert Member.objects.count() == 0


def test_a_large_dry_run_in_the_background_writes_nothing(tree, users, api):
    client = api(users.secretary)
    body = client.post(
        "/api/v1/members/import",
        {"file": upload(people(tree.branch, 10)), "dry_run": "true"},
    ).json()
    job = client.get(body["status_url"]).json()
    assert job["result"] == {"dry_run": True, "created": 10, "updated": 0}
    assert Member.objects.count() == 0


def test_a_small_api_import_is_answered_at_once(tree, users, api):
    response = api(users.secretary).post(
        "/api/v1/members/import", {"file": upload(people(tree.branch, 5))}
    )
    assert response.status_code == 200 and response.json()["created"] == 5
    assert not Job.objects.exists()


def test_the_api_answers_404_to_an_outsider_asking_about_a_job(tree, users, api):
    job = job_create(actor=users.secretary, kind="member.import", scope_path=tree.branch.path)
    assert api(users.outsider).get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert api(users.outsider).get("/api/v1/jobs/abc").status_code in (400, 404)
