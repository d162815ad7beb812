"""党建品牌: an org applies, its unit reviews, the committee recognises in batches (第一批 …)
or declines; one active brand per org; a recognised brand can be revoked with a reason."""

from datetime import date

from django.db import transaction
from django.db.models import Max

from mofan.brands.models import EDITABLE, ENDED, Batch, Brand, BrandFile, Status
from mofan.brands.services import steps
from mofan.brands.services.common import (
    require_committee,
    require_recorder,
    require_status,
    require_text,
    store_files,
    user_of,
)
from mofan.brands.services.steps import tell_applicant
from mofan.core.audit import audit, diff, snapshot
from mofan.core.errors import ApplicationError, full_clean_or_refuse
from mofan.core.locking import locked, refused_if_taken
from mofan.orgs.models import Org, OrgType

BRAND_FIELDS = ["name", "slogan", "description", "measures", "results"]


def _one_brand_message(org: Org) -> str:
    return f"“{org.name}”已有党建品牌（一组织一品牌），不能再申报"


def _check_one_brand(org: Org, brand: Brand | None = None) -> None:
    others = Brand.objects.filter(org=org).exclude(status__in=ENDED)
    if brand is not None and brand.pk:
        others = others.exclude(pk=brand.pk)
    if others.exists():
        raise ApplicationError(_one_brand_message(org), field="org")


def _clean(fields: dict) -> dict:
    unknown = set(fields) - set(BRAND_FIELDS)
    if unknown:
        raise TypeError(f"unexpected brand fields {sorted(unknown)}")
    return {name: (value or "").strip() for name, value in fields.items()}


@transaction.atomic
def brand_create(*, actor, org: Org, files=(), **fields) -> Brand:
    require_recorder(actor, org)
    if org.org_type in (OrgType.WORKING_COMMITTEE, OrgType.PARTY_GROUP) or org.is_dissolved:
        raise ApplicationError("党建品牌由机关党委、党总支或党支部申报", field="org")
    _check_one_brand(org)
    brand = Brand(org=org, created_by=user_of(actor), **_clean(fields))
    full_clean_or_refuse(brand, exclude=["org"])
    with refused_if_taken(_one_brand_message(org), field="org"):
        brand.save()
    store_files(BrandFile, "brand", brand, files)
    audit(actor=actor, action="brands.brand_create", target=brand)
    return brand


@transaction.atomic
def brand_update(*, actor, brand: Brand, files=(), **fields) -> Brand:
    require_recorder(actor, brand.org)
    brand = locked(brand)
    require_status(brand, EDITABLE, "已提交的品牌申报不能修改")
    before = snapshot(brand, BRAND_FIELDS)
    for name, value in _clean(fields).items():
        setattr(brand, name, value)
    full_clean_or_refuse(brand, exclude=["org"])
    brand.save()
    added = store_files(BrandFile, "brand", brand, files)
    changes = diff(before, snapshot(brand, BRAND_FIELDS))
    if changes or added:
        audit(
            actor=actor,
            action="brands.brand_update",
            target=brand,
            changes=changes,
            detail=f"增加材料 {added} 个" if added else "",
        )
    return brand


@transaction.atomic
def brand_submit(*, actor, brand: Brand, on: date | None = None) -> Brand:
    return steps.submit(
        brand,
        actor=actor,
        action="brands.brand_submit",
        refused="该品牌申报已提交",
        title=f"{brand.org.name}申报党建品牌“{brand.name}”，请审核",
        on=on,
    )


@transaction.atomic
def brand_unit_pass(*, actor, brand: Brand, note: str = "") -> Brand:
    return steps.unit_pass(
        brand,
        actor=actor,
        note=note,
        action="brands.brand_unit_pass",
        refused="只能审核待单位审核的品牌申报",
        committee=Org.objects.filter(depth=1, path=brand.org.path[: Org.steplen]).first(),
        title=f"党建品牌“{brand.name}”已通过单位审核，待认定",
    )


@transaction.atomic
def brand_return(*, actor, brand: Brand, reason: str) -> Brand:
    return steps.send_back(
        brand,
        actor=actor,
        reason=reason,
        committee=brand.org,
        action="brands.brand_return",
        refused="只能退回待审核的品牌申报",
        title=lambda b: f"党建品牌“{b.name}”被退回：{b.reason}",
    )


@transaction.atomic
def brand_reject(*, actor, brand: Brand, reason: str) -> Brand:
    return steps.reject(
        brand,
        actor=actor,
        reason=reason,
        committee=brand.org,
        action="brands.brand_reject",
        refused="只能对已通过单位审核的品牌作出认定",
        title=lambda b: f"党建品牌“{b.name}”未予认定：{b.reason}",
    )


@transaction.atomic
def batch_create(*, actor, org: Org, brands, decided_on: date, note: str) -> Batch:
    """Recognise the chosen brands that passed their unit's review as the next batch."""
    require_committee(actor, org)
    note = require_text(note, "请填写认定决定（文号）", "note")
    chosen = list(Brand.objects.select_for_update().filter(pk__in=[b.pk for b in brands]))
    if not chosen:
        raise ApplicationError("请选择要认定的品牌", field="brands")
    for brand in chosen:
        if brand.status != Status.UNIT_PASSED or not brand.org.path.startswith(org.path):
            raise ApplicationError(f"“{brand.name}”不是待认定的品牌申报", field="brands")
    number = (Batch.objects.filter(org=org).aggregate(n=Max("number"))["n"] or 0) + 1
    batch = Batch(org=org, number=number, decided_on=decided_on, note=note)
    full_clean_or_refuse(batch, exclude=["org"])
    with refused_if_taken("另一批次刚刚认定，请刷新后重试"):
        batch.save()
    for brand in chosen:
        brand.status, brand.batch, brand.recognised_on = Status.RECOGNISED, batch, decided_on
    Brand.objects.bulk_update(chosen, ["status", "batch", "recognised_on"])
    audit(
        actor=actor,
        action="brands.batch_create",
        target=batch,
        detail=f"认定党建品牌 {len(chosen)} 个：{'、'.join(b.name for b in chosen)}",
    )
    for brand in chosen:
        tell_applicant(actor, brand, "recognised", f"党建品牌“{brand.name}”已认定（{batch}）")
    return batch


@transaction.atomic
def brand_revoke(*, actor, brand: Brand, reason: str, on: date | None = None) -> Brand:
    return steps.revoke(
        brand,
        actor=actor,
        reason=reason,
        on=on,
        committee=brand.org,
        action="brands.brand_revoke",
        refused="只能撤销已认定的党建品牌",
        title=lambda b: f"党建品牌“{b.name}”已撤销：{b.revoke_reason}",
    )
