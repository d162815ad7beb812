"""The background job record: who may follow a job, and how often progress is written."""

import pytest

from mofan.core.jobs import Progress, job_create, job_finish, job_get, job_start
from mofan.core.models import Job, JobStatus


@pytest.fixture
def job(tree, users):
    return job_create(actor=users.secretary, kind="member.import", scope_path=tree.branch.path)


@pytest.mark.parametrize(
    "who, sees",
    [
        ("secretary", True),  # started it
        ("unit_admin", True),  # administers the branch it works in
        ("committee_admin", True),
        ("outsider", False),  # secretary of another branch
        ("member", False),
        ("leader", False),  # reads, administers nothing
    ],
)
def test_it_shows_a_job_to_its_owner_and_admins_over_its_scope(users, job, who, sees):
    if sees:
        assert job_get(actor=getattr(users, who), job_id=job.pk) == job
    else:
        with pytest.raises(Exception, match="未找到该任务"):
            job_get(actor=getattr(users, who), job_id=job.pk)


def test_a_job_without_a_scope_is_seen_by_its_owner_only(users):
    job = job_create(actor=users.unit_admin, kind="member.import")
    assert job_get(actor=users.unit_admin, job_id=job.pk) == job
    with pytest.raises(Exception, match="未找到该任务"):
        job_get(actor=users.committee_admin, job_id=job.pk)


def test_it_writes_progress_every_n_items_and_at_the_end(job):
    job_start(job=job, stage="正在检查数据")
    progress = Progress(job, every=100)
    seen = []
    for done in range(1, 251):
        progress(done, 250)
        seen.append(Job.objects.get(pk=job.pk).done)
    assert sorted(set(seen)) == [0, 100, 200, 250]
    stored = Job.objects.get(pk=job.pk)
    assert stored.status == JobStatus.RUNNING and stored.total == 250 and stored.started_at


def test_a_running_job_shows_at_most_99_percent_and_a_done_one_100(job):
    job_start(job=job, stage="正在写入数据", total=10)
    job.done = 10
    assert job.percent == 99
    job_finish(job=job, result={"created": 10})
    stored = Job.objects.get(pk=job.pk)
    assert stored.percent == 100 and stored.finished and stored.finished_at
    assert stored.get_status_display() == "已完成"


def test_live_progress_from_inside_a_transaction_is_read_while_the_job_runs(
    users, job, settings, tmp_path, login
):
    settings.MEDIA_ROOT = tmp_path
    job_start(job=job, stage="正在写入数据", total=400)
    Progress(job, every=100, live=True)(150, 400)
    assert Job.objects.get(pk=job.pk).done == 0  # nothing written to the table
    assert job_get(actor=users.secretary, job_id=job.pk).done == 150
    page = login(users.secretary).get(f"/jobs/{job.pk}/").content.decode()
    assert "正在写入数据" in page and "已处理 150 / 400 行" in page
    job_finish(job=job, result={"created": 400})
    assert not list(tmp_path.rglob("*.progress"))
