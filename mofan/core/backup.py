"""One backup file holds the database and the uploaded files; restoring it puts both back.

SQLite is copied with its online backup API (the server may keep running); PostgreSQL with
`pg_dump --format=custom`. The field key (MOFAN_FIELD_KEY) is deliberately not in the file:
without it the citizen numbers in a stolen backup cannot be read, and without it a restored
database cannot read them either, so it must be kept separately.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from mofan.core.errors import ApplicationError

MANIFEST = "manifest.json"
SQLITE_NAME = "database.sqlite3"
DUMP_NAME = "database.dump"
MEDIA_DIR = "media"
KEY_REMINDER = (
    "备份文件不含敏感字段加密密钥 MOFAN_FIELD_KEY：请另行妥善保存密钥，"
    "恢复时须使用同一密钥，否则无法解密公民身份号码。"
)


def backup_name(now: datetime) -> str:
    return f"mofan-backup-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"


def backup_create(*, target: Path, now: datetime | None = None) -> Path:
    """Write the backup into `target` (a directory, or a file name) and return its path."""
    now = now or timezone.now()
    path = target / backup_name(now) if target.is_dir() else target
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        database = _dump_database(work)
        manifest = {
            "created": now.isoformat(),
            "engine": connection.vendor,
            "database": database.name,
            "media": _copy_media(work / MEDIA_DIR),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        with tarfile.open(path, "w:gz") as archive:
            for item in sorted(work.iterdir()):
                archive.add(item, arcname=item.name)
    return path


def _dump_database(work: Path) -> Path:
    if connection.vendor == "sqlite":
        target = work / SQLITE_NAME
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    if connection.vendor == "postgresql":
        target = work / DUMP_NAME
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", *_pg_args()])
        return target
    raise ApplicationError(f"不支持备份此类数据库：{connection.vendor}")


def _copy_media(target: Path) -> int:
    media = Path(settings.MEDIA_ROOT)
    if not media.exists():
        target.mkdir()
        return 0
    shutil.copytree(media, target, ignore=shutil.ignore_patterns("imports"))
    return sum(1 for p in target.rglob("*") if p.is_file())


def backup_restore(*, source: Path) -> dict:
    """Replace the database and the uploaded files with those of the backup `source`."""
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        manifest = _unpack(source, work)
        if manifest["engine"] != connection.vendor:
            raise ApplicationError(
                f"该备份来自 {manifest['engine']} 数据库，当前使用 {connection.vendor}，无法直接恢复"
            )
        _restore_database(work / manifest["database"])
        _restore_media(work / MEDIA_DIR)
    return manifest


def _unpack(source: Path, work: Path) -> dict:
    try:
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, filter="data")
        return json.loads((work / MANIFEST).read_text())
    except (tarfile.TarError, OSError, ValueError, KeyError) as exc:
        raise ApplicationError(f"无法读取备份文件 {source}：不是 mofan backup 生成的文件") from exc


def _restore_database(dump: Path) -> None:
    connections.close_all()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as saved:
            saved.backup(connection.connection)
        saved.close()
        return
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *_pg_args(dbname_flag=True),
            str(dump),
        ]
    )


def _restore_media(saved: Path) -> None:
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.rmtree(media)
    shutil.copytree(saved, media)


def _pg_args(*, dbname_flag: bool = False) -> list[str]:
    db = connection.settings_dict
    args = [f"--dbname={db['NAME']}"] if dbname_flag else [db["NAME"]]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    return args


def _run(command: list[str]) -> None:
    env = {**os.environ}
    if connection.settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = connection.settings_dict["PASSWORD"]
    try:
        subprocess.run(command, check=True, capture_output=True, env=env)
    except FileNotFoundError as exc:
        raise ApplicationError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端") from exc
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode(errors="replace").strip()
        raise ApplicationError(f"{command[0]} 失败：{message}") from exc
