"""Checks for uploaded files: allowed types by extension AND by their first bytes (so a renamed
executable is refused), a size limit, and a random stored name."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from mofan.core.errors import ApplicationError

# extension → (content type, the bytes the file must start with)
FILE_TYPES = {
    ".jpg": ("image/jpeg", b"\xff\xd8"),
    ".jpeg": ("image/jpeg", b"\xff\xd8"),
    ".png": ("image/png", b"\x89PNG"),
    ".pdf": ("application/pdf", b"%PDF"),
    ".doc": ("application/msword", b"\xd0\xcf\x11\xe0"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
}
PICTURES = (".jpg", ".jpeg", ".png")
DOCUMENTS = (*PICTURES, ".pdf", ".docx", ".xlsx")
DOCUMENTS_AND_DOC = (*DOCUMENTS, ".doc")


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    content_type: str
    stored_name: str


def check_upload(
    upload,
    *,
    allowed: tuple[str, ...],
    max_mb: int,
    field: str,
    type_message: str,
    size_message: str,
) -> CheckedUpload:
    """The upload's safe names and content type, or an ApplicationError saying what is wrong."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in allowed:
        raise ApplicationError(type_message, field=field)
    if upload.size > max_mb * 1024 * 1024:
        raise ApplicationError(size_message, field=field)
    content_type, magic = FILE_TYPES[suffix]
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(magic):
        raise ApplicationError(f"文件内容与扩展名不符：“{Path(upload.name).name}”", field=field)
    return CheckedUpload(Path(upload.name).name[:200], content_type, f"{uuid.uuid4().hex}{suffix}")
