"""GET /api/v1/jobs/{id}: a background job's status, progress and result (own or in scope)."""

from datetime import datetime

from ninja import Router, Schema

from mofan.core.api import ERRORS
from mofan.core.jobs import job_get, job_payload

router = Router(tags=["后台任务"])


class JobOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    stage: str
    done: int
    total: int
    percent: int
    finished: bool
    result: dict
    created_at: datetime
    finished_at: datetime | None
    status_url: str


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, summary="后台任务的状态与结果")
def job_detail(request, job_id: int):
    job = job_get(actor=request.user, job_id=job_id)
    return job_payload(job, f"/api/v1/jobs/{job.pk}")
