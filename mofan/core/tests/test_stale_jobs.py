"""Jobs left 进行中 by a worker that stopped (issue 9 §1): a job that told no progress for
MOFAN_JOB_STALE_MINUTES is marked failed by the periodic sweep, its page says so, and the
worker skips it if it still comes to it; a job that keeps telling progress is left alone."""

import os
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from mofan.core.jobs import Progress, job_create, job_start, jobs_fail_stale
from mofan.core.models import AuditLog, Job, JobStatus
from mofan.members.tasks import roster_import_run

START = datetime(2026, 5, 11, 9, 0)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MOFAN_JOB_STALE_MINUTES = 30
    return tmp_path


@pytest.fixture
def job(tree, users):
    with time_machine.travel(timezone.make_aware(START), tick=False):
        job = job_create(actor=users.secretary, kind="member.import", scope_path=tree.branch.path)
        job_start(job=job, stage="正在检查数据", total=5000)
    return job


def sweep_at(minutes: int) -> int:
    with time_machine.travel(timezone.make_aware(START + timedelta(minutes=minutes)), tick=False):
        return jobs_fail_stale()


def test_a_job_silent_for_the_limit_is_failed_and_its_page_says_so(users, job, login):
    assert sweep_at(29) == 0 and Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
    assert sweep_at(31) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    page = login(users.secretary).get(f"/jobs/{job.pk}/").content.decode()
    assert "后台任务中断，请重新导入" in page and "hx-trigger" not in page
    entry = AuditLog.objects.get(action="job.stale")
    assert entry.username == "系统：定时任务" and "30 分钟没有进展" in entry.detail


def test_a_job_that_keeps_telling_progress_is_left_running(job):
    with time_machine.travel(timezone.make_aware(START + timedelta(minutes=20)), tick=False):
        Progress(job, every=100)(400, 5000)
    assert sweep_at(45) == 0
    assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING


def test_live_progress_from_inside_the_import_transaction_counts_as_a_sign_of_life(job, media):
    Progress(job, every=100, live=True)(400, 5000)
    (live,) = (media / "jobs").glob("*.progress")
    moment = timezone.make_aware(START + timedelta(minutes=40)).timestamp()
    os.utime(live, (moment, moment))
    assert sweep_at(50) == 0
    assert sweep_at(71) == 1


def test_the_worker_skips_a_queued_job_given_up_meanwhile(tree, users, media):
    with time_machine.travel(timezone.make_aware(START), tick=False):
        queued = job_create(actor=users.secretary, kind="member.import")
    stored = media / "waiting.upload"
    stored.write_bytes(b"not read")
    assert sweep_at(31) == 1
    roster_import_run(job_id=queued.pk, stored=stored, default_org_id=None, dry_run=False)
    queued.refresh_from_db()
    assert (
        queued.status == JobStatus.FAILED and queued.result["detail"] == "后台任务中断，请重新导入"
    )
    assert not stored.exists()
