"""What the 四强 and the brand services share: who may act, evidence files, the messages."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mofan.core.access import Role, scope_of
from mofan.core.errors import ApplicationError
from mofan.core.uploads import DOCUMENTS, check_upload
from mofan.notifications.recipients import admins_of, recorders_of
from mofan.notifications.services import Message, notifications_send
from mofan.orgs.models import Org

MAX_FILE_MB = 20
MAX_FILES = 10


def user_of(actor):
    return actor if getattr(actor, "pk", None) else None


def is_committee_over(actor, org: Org) -> bool:
    return Role.COMMITTEE_ADMIN in scope_of(actor).roles_over(org.path)


def require_committee(actor, org: Org) -> None:
    if not is_committee_over(actor, org):
        raise PermissionDenied("只有机关工委管理员可以办理")


def require_recorder(actor, org: Org) -> None:
    if not scope_of(actor).can_record(org.path):
        raise PermissionDenied("只有本组织的书记或管理员可以申报")


def require_unit(actor, org: Org) -> None:
    if not scope_of(actor).can_admin_strictly_below(org.path):
        raise PermissionDenied("只有上级党组织的管理员可以审核")


def require_text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(message, field=field)
    return value


def require_status(item, allowed, message: str) -> None:
    if item.status not in allowed:
        raise ApplicationError(message)


def store_files(model, owner_field: str, owner, uploads) -> int:
    uploads = list(uploads or ())
    if not uploads:
        return 0
    if owner.files.count() + len(uploads) > MAX_FILES:
        raise ApplicationError(f"申报材料最多 {MAX_FILES} 个文件", field="files")
    for upload in uploads:
        checked = check_upload(
            upload,
            allowed=DOCUMENTS,
            max_mb=MAX_FILE_MB,
            field="files",
            type_message=f"申报材料只能是 {'、'.join(DOCUMENTS)} 文件",
            size_message=f"单个文件不能超过 {MAX_FILE_MB} MB",
        )
        stored = model(
            **{owner_field: owner},
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=upload.size,
        )
        stored.file.save(checked.stored_name, upload, save=False)
        stored.save()
    return len(uploads)


def tell_recorders(actor, org: Org, *, key: str, title: str, link: str, body: str = "") -> None:
    users = recorders_of([org])[org.pk]
    notifications_send(
        actor=actor, messages=[Message(user_ids=users, key=key, title=title, body=body, link=link)]
    )


def tell_admins(actor, org: Org, *, key: str, title: str, link: str) -> None:
    users = admins_of([org])[org.pk]
    notifications_send(
        actor=actor, messages=[Message(user_ids=users, key=key, title=title, link=link)]
    )


def tell_unit(actor, org: Org, *, key: str, title: str, link: str) -> None:
    """The admins of the org's unit (the nearest org above it that has admins)."""
    parent = Org.objects.filter(path=org.path[: -Org.steplen]).first() if org.depth > 1 else None
    if parent is not None:
        tell_admins(actor, parent, key=key, title=title, link=link)


def link_to(name: str, pk: int) -> str:
    return reverse(name, args=[pk])
