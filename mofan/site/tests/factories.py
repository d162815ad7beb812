"""Test data: a small org tree and one user per role, built through the services."""

import io
import zipfile
from datetime import date

import factory
from PIL import Image

from mofan.accounts.models import User
from mofan.accounts.services import grant_create
from mofan.core.access import SYSTEM, Role
from mofan.orgs.models import OrgType
from mofan.orgs.services import org_create

PASSWORD = "Test@Pass123"


def _picture(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, format=kind)
    return buffer.getvalue()


def _office(kind: str) -> bytes:
    """The smallest package an upload check accepts as .docx or .xlsx."""
    main = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main, "<document/>")
    return buffer.getvalue()


# Real (tiny) files of each kind uploads accept: the checks parse the whole file.
PNG = _picture("PNG")
JPEG = _picture("JPEG")
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24  # the OLE signature of .doc
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\nstartxref\n0\n%%EOF\n"
DOCX = _office("docx")
XLSX = _office("xlsx")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


_codes = iter(range(1, 10**9))


def make_org(parent, org_type, name=None, **fields):
    number = next(_codes)
    return org_create(
        actor=SYSTEM,
        parent=parent,
        code=fields.pop("code", f"T{number:05d}"),
        name=name or f"{OrgType(org_type).label}{number}",
        org_type=org_type,
        **fields,
    )


def make_user(role: Role, org, username=None, **fields):
    user = UserFactory(**({"username": username} if username else {}), **fields)
    grant_create(actor=SYSTEM, user=user, role=role, org=org)
    return user


def term(start: date, end: date) -> dict:
    return {"term_start": start, "term_end": end}
