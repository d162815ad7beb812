"""An upload is accepted only if the whole file is what its extension says (issue 9 §5): a
picture decodes, a PDF has its trailer, an Office file is a package with its main part."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mofan.core.errors import ApplicationError
from mofan.core.uploads import DOCUMENTS_AND_DOC, check_upload
from mofan.site.tests.factories import DOC, DOCX, JPEG, PDF, PNG, XLSX


def check(name: str, content: bytes):
    return check_upload(
        SimpleUploadedFile(name, content),
        allowed=DOCUMENTS_AND_DOC,
        max_mb=10,
        field="file",
        type_message="类型不对",
        size_message="太大",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.png", PNG),
        ("a.jpg", JPEG),
        ("a.pdf", PDF),
        ("a.docx", DOCX),
        ("a.xlsx", XLSX),
        ("a.doc", DOC),
    ],
)
def test_real_files_are_accepted(name, content):
    assert check(name, content).stored_name.endswith(name[1:])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("头像.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),  # the signature, then nothing
        ("现场.jpg", b"\xff\xd8\xff\xe0" + b"<script>alert(1)</script>"),
        ("记录.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),  # no trailer
        ("签到表.xlsx", b"PK\x03\x04" + b"\x00" * 64),  # a zip header, not a package
        ("记录.docx", XLSX),  # a package, but a workbook
        ("记录.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 28),  # half the OLE signature
    ],
)
def test_a_file_that_only_starts_like_its_kind_is_refused(name, content):
    with pytest.raises(ApplicationError, match="文件内容与扩展名不符"):
        check(name, content)
