"""Plan and task fixtures: this year's master plan of the committee, a way to assign tasks and
to split them, evidence files, and uploads kept in a temporary media folder. The tree and the
users come from the root conftest.py (committee → unit → branch / other_branch; far_unit)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mofan.core.models import AuditLog
from mofan.plans import services
from mofan.plans.models import Plan
from mofan.site.tests.factories import PDF


def pdf(name="完成情况说明.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def audits(action, target=None) -> list[AuditLog]:
    logs = AuditLog.objects.filter(action=action)
    if target is not None:
        logs = logs.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
    return list(logs.order_by("id"))


def timeline(task) -> list[str]:
    return list(task.events.order_by("at", "id").values_list("kind", flat=True))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def master(tree, users, today):
    """The committee's 实施方案 for this year."""
    return services.plan_create(
        actor=users.committee_admin,
        org=tree.committee,
        year=today.year,
        kind=Plan.Kind.MASTER,
        title=f"{today.year}年创建模范机关实施方案",
    )


@pytest.fixture
def assign(users, master, today):
    """assign(owner_org, title=…, plan=master, actor=committee_admin, **fields) → a task."""

    def _assign(owner_org, title="建立健全理论学习制度", *, plan=None, actor=None, **fields):
        fields.setdefault("start_on", today - timedelta(days=30))
        fields.setdefault("deadline", today + timedelta(days=30))
        return services.task_create(
            actor=actor or users.committee_admin,
            plan=plan or master,
            owner_org=owner_org,
            title=title,
            **fields,
        )

    return _assign


@pytest.fixture
def split(users):
    """split(parent, owner_org, title=…, actor=unit_admin, **fields) → a sub-task."""

    def _split(parent, owner_org, title="支部落实", *, actor=None, **fields):
        fields.setdefault("deadline", parent.deadline)
        return services.task_split(
            actor=actor or users.unit_admin,
            parent=parent,
            owner_org=owner_org,
            title=title,
            **fields,
        )

    return _split


@pytest.fixture
def task(assign, tree):
    """A task the committee assigned to the unit, due in 30 days."""
    return assign(tree.unit, owner_people="张三", leader="李副书记", target="形成学习台账")
