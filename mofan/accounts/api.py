from ninja import Router, Schema

from mofan.core.access import scope_of

router = Router(tags=["账号"])


class GrantOut(Schema):
    role: str
    org_id: int


class MeOut(Schema):
    id: int
    username: str
    name: str
    grants: list[GrantOut]


@router.get("/me", response=MeOut, summary="当前用户及其授权")
def me(request):
    user = request.user
    grants = [{"role": g.role, "org_id": g.org_id} for g in scope_of(user).grants]
    return {"id": user.id, "username": user.username, "name": user.name, "grants": grants}
