"""Reads of calls, 四强 applications and brands, limited to the actor's sub-tree.

A call is seen by everyone under its committee (branches read it to apply). An application or
a brand is seen by those over its org; drafts only by those who may write them (the org's
secretary and the admins over it), not by those who only read. The showcase lists every recognised brand under the actor's committee.
"""

from django.db.models import Prefetch, Q, QuerySet

from mofan.brands.models import (
    Application,
    ApplicationFile,
    Batch,
    Brand,
    BrandFile,
    Call,
    Recheck,
    Status,
)
from mofan.core.access import scope_of
from mofan.core.lookup import get_or_404
from mofan.orgs.models import Org


def _committee_paths(actor) -> list[str]:
    """The committees (tree roots) the actor's grants fall under."""
    return sorted({root[: Org.steplen] for root in scope_of(actor).root_paths})


def _under_committees(actor, field: str) -> Q:
    return scope_of(actor).paths_q(_committee_paths(actor), field)


def call_list(*, actor) -> QuerySet[Call]:
    return Call.objects.filter(_under_committees(actor, "org__path")).select_related("org")


def call_get(*, actor, call_id) -> Call:
    return get_or_404(call_list(actor=actor), call_id, "未找到该申报")


def _not_others_drafts(actor) -> Q:
    """Drafts only for those who may write them: a draft is no one else's business yet."""
    scope = scope_of(actor)
    return ~Q(status=Status.DRAFT) | scope.paths_q(scope.recorder_paths, "org__path")


def application_list(*, actor) -> QuerySet[Application]:
    scope = scope_of(actor)
    return (
        Application.objects.filter(scope.visible_q("org__path"))
        .filter(_not_others_drafts(actor))
        .select_related("org", "call", "call__org")
    )


def application_get(*, actor, application_id) -> Application:
    found = application_list(actor=actor).prefetch_related(
        Prefetch("files", queryset=ApplicationFile.objects.order_by("id")),
        Prefetch("rechecks", queryset=Recheck.objects.order_by("year")),
    )
    return get_or_404(found, application_id, "未找到该申报")


def application_file_get(*, actor, file_id) -> ApplicationFile:
    files = ApplicationFile.objects.filter(application__in=application_list(actor=actor))
    return get_or_404(files, file_id, "未找到该文件")


def recognised_list(*, actor) -> QuerySet[Application]:
    """Recognised (and revoked) 四强党支部 under the actor's committee: a published list."""
    return (
        Application.objects.filter(_under_committees(actor, "org__path"))
        .filter(status__in=[Status.RECOGNISED, Status.REVOKED])
        .select_related("org", "call")
        .prefetch_related(Prefetch("rechecks", queryset=Recheck.objects.order_by("year")))
    )


def brand_list(*, actor) -> QuerySet[Brand]:
    scope = scope_of(actor)
    return (
        Brand.objects.filter(scope.visible_q("org__path"))
        .filter(_not_others_drafts(actor))
        .select_related("org", "batch")
    )


def brand_get(*, actor, brand_id) -> Brand:
    found = brand_list(actor=actor).prefetch_related(
        Prefetch("files", queryset=BrandFile.objects.order_by("id"))
    )
    return get_or_404(found, brand_id, "未找到该品牌")


def brand_file_get(*, actor, file_id) -> BrandFile:
    files = BrandFile.objects.filter(brand__in=brand_list(actor=actor))
    return get_or_404(files, file_id, "未找到该文件")


def showcase(*, actor) -> QuerySet[Brand]:
    """Recognised brands under the actor's committee, by batch then org."""
    return (
        Brand.objects.filter(_under_committees(actor, "org__path"), status=Status.RECOGNISED)
        .select_related("org", "batch")
        .order_by("batch__number", "org__path")
    )


def batch_list(*, actor) -> QuerySet[Batch]:
    return Batch.objects.filter(_under_committees(actor, "org__path")).select_related("org")


def brand_figures(*, actor) -> dict[str, int]:
    """申报 → 认定 under the actor's committee, from the records: an application counts once
    submitted (a returned one too), a recognition once decided (a later revocation too)."""
    brands = Brand.objects.filter(_under_committees(actor, "org__path"))
    return {
        "applied": brands.filter(submitted_on__isnull=False).count(),
        "recognised": brands.filter(recognised_on__isnull=False).count(),
    }
