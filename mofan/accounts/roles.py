from django.db import models


class Role(models.TextChoices):
    COMMITTEE_ADMIN = "committee_admin", "工委管理员"
    UNIT_ADMIN = "unit_admin", "单位管理员"
    LEADER = "leader", "领导（只读）"
    DISCIPLINE = "discipline", "纪检"
    SECRETARY = "secretary", "支部书记"
    MEMBER = "member", "党员"


# Higher rank may grant lower or equal ranks, never higher.
ROLE_RANK = {
    Role.COMMITTEE_ADMIN: 50,
    Role.UNIT_ADMIN: 40,
    Role.LEADER: 30,
    Role.DISCIPLINE: 30,
    Role.SECRETARY: 20,
    Role.MEMBER: 10,
}

ADMIN_ROLES = frozenset({Role.COMMITTEE_ADMIN, Role.UNIT_ADMIN})
