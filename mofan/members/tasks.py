"""A large roster import as a huey job (issue 9 §1): the web request stores the file and
answers at once; the worker runs the same check and commit as the page does, with the
importing user as actor, all or nothing, and reports progress on the job record."""

import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from huey.contrib.djhuey import db_task
from python_calamine import CalamineWorkbook

from mofan.core.access import scope_of
from mofan.core.errors import ApplicationError
from mofan.core.excel import OLE_MAGIC, UNREADABLE, _refuse_bomb
from mofan.core.jobs import Progress, job_create, job_finish, job_stage, job_start
from mofan.core.models import Job
from mofan.members import excel
from mofan.orgs.models import Org

logger = logging.getLogger(__name__)

IMPORT_KIND = "member.import"
DEFAULT_BACKGROUND_ROWS = 2000


def background_rows() -> int:
    return getattr(settings, "MOFAN_IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS)


def roster_is_large(upload) -> bool:
    """Whether the file has more rows than a web request imports itself."""
    return roster_height(upload) > background_rows()


def roster_height(upload) -> int:
    """The rows of the file's first sheet, header and titles included. Asks calamine for the
    sheet's height (0.8 s for 50,000 rows, where openpyxl scans a sheet without a stored size
    for 9 s), after the guard against zip bombs. `upload` is a file or a path."""
    if isinstance(upload, os.PathLike):
        with open(upload, "rb") as file:
            return roster_height(file)
    upload.seek(0)
    head = upload.read(len(OLE_MAGIC))
    upload.seek(0)
    if not head.startswith(OLE_MAGIC):
        _refuse_bomb(upload)
    try:
        sheet = CalamineWorkbook.from_filelike(upload).get_sheet_by_index(0)
    except Exception as exc:  # noqa: BLE001 - any failure to parse means "not a spreadsheet"
        raise ApplicationError(UNREADABLE) from exc
    finally:
        upload.seek(0)
    return sheet.height


def _job_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def roster_import_enqueue(
    *,
    actor,
    upload,
    default_org=None,
    dry_run: bool = False,
    rows: int | None = None,
    name: str = "",
) -> Job:
    """Store the uploaded file (an upload, or a path the preview stored) and queue its import.
    The job's audit row names the file (`name`, else the upload's) and the sheet's height
    (`rows`, where the caller has it)."""
    stored = _job_dir() / f"{actor.pk}-{uuid.uuid4().hex}.upload"
    name = name or getattr(upload, "name", "")
    if isinstance(upload, Path):
        os.replace(upload, stored)
    else:
        upload.seek(0)
        with open(stored, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    rows = roster_height(stored) if rows is None else rows
    if default_org is not None:
        scope_path = default_org.path
    else:
        roots = scope_of(actor).recorder_paths
        scope_path = roots[0] if len(roots) == 1 else ""
    action = "检查" if dry_run else "导入"
    job = job_create(
        actor=actor,
        kind=IMPORT_KIND,
        scope_path=scope_path,
        detail=f"后台{action}党员花名册：文件“{name}”，工作表共 {rows} 行",
    )
    roster_import_task(job.pk, str(stored), default_org.pk if default_org else None, dry_run)
    return job


@db_task()
def roster_import_task(job_id: int, stored: str, default_org_id: int | None, dry_run: bool):
    roster_import_run(
        job_id=job_id, stored=Path(stored), default_org_id=default_org_id, dry_run=dry_run
    )


def roster_import_run(*, job_id: int, stored: Path, default_org_id: int | None, dry_run: bool):
    job = Job.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    if job.finished:  # given up as stale while it waited in the queue
        stored.unlink(missing_ok=True)
        return
    try:
        if not stored.exists():
            raise ApplicationError("上传的文件已不存在，请重新上传")
        default_org = Org.objects.get(pk=default_org_id) if default_org_id else None
        job_start(job=job, stage="正在检查数据")
        checked = excel.check_roster(
            actor=actor, upload=stored, default_org=default_org, progress=Progress(job)
        )
        if not checked.ok:
            job_finish(job=job, failed=True, result=_errors_result(checked.errors))
            return
        counts = {"created": len(checked.to_create), "updated": len(checked.to_update)}
        if not dry_run:
            job_stage(job=job, stage="正在写入数据", total=len(checked.rows))
            created, updated = excel.commit_roster(
                actor=actor, checked=checked, progress=Progress(job, live=True)
            )
            counts = {"created": created, "updated": updated}
        job_finish(job=job, result={"dry_run": dry_run, **counts})
    except ApplicationError as exc:
        job_finish(job=job, failed=True, result={"detail": exc.message, "errors": []})
    except Exception:
        logger.exception("roster import job %s failed", job_id)
        job_finish(
            job=job,
            failed=True,
            result={"detail": "导入时发生内部错误，未导入任何数据，请联系管理员", "errors": []},
        )
        raise
    finally:
        stored.unlink(missing_ok=True)


def _errors_result(errors) -> dict:
    return {
        "detail": errors.summary(),
        "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in errors],
        "error_total": errors.total,
        "more": errors.unlisted,
    }
