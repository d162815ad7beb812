"""Background jobs: the record a long piece of work (a large roster import) leaves for the
page and the API to follow while the huey worker runs it.

The web request creates the job (`job_create`) and enqueues the task; the task marks it
started, reports progress every `PROGRESS_EVERY` items, and finishes it with a result dict
(counts, or the first errors with row/column/reason and how many more)."""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mofan.core.access import SCHEDULED, prefix_q, scope_of
from mofan.core.audit import audit
from mofan.core.locking import locked
from mofan.core.lookup import get_or_404
from mofan.core.models import Job, JobStatus

# Progress is written every this many items (one small UPDATE each time).
PROGRESS_EVERY = 200

KIND_LABELS = {"member.import": "导入党员花名册"}


# A job that tells no progress for this long was left by a worker that stopped (killed,
# restarted, out of memory): `jobs_fail_stale` marks it failed so that its page says so.
DEFAULT_STALE_MINUTES = 30
STALE_REASON = "后台任务中断，请重新导入"


def stale_minutes() -> int:
    return getattr(settings, "MOFAN_JOB_STALE_MINUTES", DEFAULT_STALE_MINUTES)


@transaction.atomic
def job_create(*, actor, kind: str, scope_path: str = "", detail: str = "") -> Job:
    """A queued job, audited as `job.create` with `detail` (for an import: the file and its
    rows); the work it runs audits its own writes (`member.import`)."""
    job = Job(kind=kind, created_by=actor, scope_path=scope_path, stage="排队等待处理")
    job.full_clean()
    job.save()
    audit(actor=actor, action="job.create", target=job, detail=detail or kind_label(kind))
    return job


def job_start(*, job: Job, stage: str, total: int = 0) -> None:
    job.status, job.stage, job.total = JobStatus.RUNNING, stage, total
    job.started_at = job.started_at or timezone.now()
    job.touched_at = timezone.now()
    job.save(update_fields=["status", "stage", "total", "started_at", "touched_at"])


def job_stage(*, job: Job, stage: str, total: int = 0) -> None:
    """A new stage of the job, counted from 0 again."""
    job.stage, job.done, job.total = stage, 0, total
    job.touched_at = timezone.now()
    job.save(update_fields=["stage", "done", "total", "touched_at"])


class Progress:
    """A callable `(done, total)` that writes the job's progress every `every` items.

    `live=True` for work inside one long transaction (an all-or-nothing import): a row written
    there is seen by nobody until the commit, and on SQLite writing it through another
    connection would wait for the very lock the job holds. The progress then goes to a small
    file beside the uploads, which `job_get` reads while the job runs."""

    def __init__(self, job: Job, every: int = PROGRESS_EVERY, live: bool = False):
        self.job, self.every, self.live, self._written = job, every, live, 0

    def __call__(self, done: int, total: int) -> None:
        if done == total or done - self._written >= self.every:
            self._written = done
            self.job.done, self.job.total = done, total
            if self.live:
                path = _live_path(self.job.pk)
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(".tmp")
                partial.write_text(f"{done} {total}")
                os.replace(partial, path)  # a reader sees the old or the new figures, whole
            else:
                self.job.touched_at = timezone.now()
                self.job.save(update_fields=["done", "total", "touched_at"])


def _live_path(job_id: int) -> Path:
    return Path(settings.MEDIA_ROOT) / "jobs" / f"{job_id}.progress"


def _read_live(job: Job) -> Job:
    if job.status == JobStatus.RUNNING:
        try:
            done, total = (int(n) for n in _live_path(job.pk).read_text().split())
        except (FileNotFoundError, ValueError):
            return job
        job.done, job.total = done, total
    return job


def job_finish(*, job: Job, result: dict, failed: bool = False, stage: str = "") -> None:
    job.status = JobStatus.FAILED if failed else JobStatus.DONE
    job.stage = stage or ("失败" if failed else "已完成")
    job.result = result
    job.finished_at = timezone.now()
    if not failed:
        job.done = job.total
    job.save(update_fields=["status", "stage", "result", "finished_at", "done", "total"])
    _live_path(job.pk).unlink(missing_ok=True)


def _last_sign_of_life(job: Job):
    """When the job last told progress: the live file of a job inside its transaction, else
    the record (a queued job: when it was queued)."""
    moments = [job.touched_at or job.started_at or job.created_at]
    try:
        mtime = _live_path(job.pk).stat().st_mtime
    except FileNotFoundError:
        pass
    else:
        moments.append(datetime.fromtimestamp(mtime, tz=UTC))
    return max(moments)


def jobs_fail_stale(*, now=None) -> int:
    """Mark failed the unfinished jobs that told no progress for `stale_minutes()`; answers
    how many. Run by the huey worker every few minutes (core.tasks)."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=stale_minutes())
    unfinished = Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    failed = 0
    for job in unfinished.filter(created_at__lt=cutoff):
        if _last_sign_of_life(job) < cutoff and _fail_if_unfinished(job):
            failed += 1
    return failed


@transaction.atomic
def _fail_if_unfinished(job: Job) -> bool:
    locked(job)
    if job.finished:  # it finished meanwhile
        return False
    minutes = stale_minutes()
    job_finish(job=job, failed=True, result={"detail": STALE_REASON, "errors": []})
    audit(
        actor=SCHEDULED,
        action="job.stale",
        target=job,
        detail=f"{kind_label(job.kind)}：{minutes} 分钟没有进展，判定为中断",
    )
    return True


def job_list(*, actor):
    """The actor's own jobs and those in sub-trees the actor administers."""
    scope = scope_of(actor)
    visible = Q(created_by=actor) | prefix_q(scope.admin_paths, "scope_path")
    return Job.objects.filter(visible).select_related("created_by")


def job_get(*, actor, job_id) -> Job:
    return _read_live(get_or_404(job_list(actor=actor), job_id, "未找到该任务"))


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def job_payload(job: Job, status_url: str) -> dict:
    """What the API and the polling fragment tell about a job."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": job.get_status_display(),
        "stage": job.stage,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": job.finished,
        "result": job.result,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "status_url": status_url,
    }
