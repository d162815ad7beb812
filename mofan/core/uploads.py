"""Checks for uploaded files: allowed types by extension, by their first bytes (so a renamed
executable is refused) and by their whole structure (a picture decodes, a PDF has its trailer,
an Office file is a valid package); a size limit, and a random stored name."""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from mofan.core.errors import ApplicationError

# extension → (content type, the bytes the file must start with)
FILE_TYPES = {
    ".jpg": ("image/jpeg", b"\xff\xd8"),
    ".jpeg": ("image/jpeg", b"\xff\xd8"),
    ".png": ("image/png", b"\x89PNG"),
    ".pdf": ("application/pdf", b"%PDF"),
    ".doc": ("application/msword", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
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
    if not head.startswith(magic) or not _is_whole(upload, suffix):
        raise ApplicationError(f"文件内容与扩展名不符：“{Path(upload.name).name}”", field=field)
    return CheckedUpload(Path(upload.name).name[:200], content_type, f"{uuid.uuid4().hex}{suffix}")


# The part every Office package of that kind holds.
PACKAGE_PARTS = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
PDF_TRAILER_BYTES = 2048


def _is_whole(upload, suffix: str) -> bool:
    """Whether the whole file parses as what its extension claims."""
    try:
        if suffix in PICTURES:
            with Image.open(upload) as picture:
                picture.verify()
            return True
        if suffix == ".pdf":
            return _has_pdf_trailer(upload)
        if suffix in PACKAGE_PARTS:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
            return {"[Content_Types].xml", PACKAGE_PARTS[suffix]} <= names
        return True  # .doc: the eight-byte OLE signature is all we check
    except Exception:  # noqa: BLE001 - any failure to parse means "not that kind of file"
        return False
    finally:
        upload.seek(0)


def _has_pdf_trailer(upload) -> bool:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(max(0, size - PDF_TRAILER_BYTES))
    tail = upload.read()
    return b"%%EOF" in tail and b"startxref" in tail
