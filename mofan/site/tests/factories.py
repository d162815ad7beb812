"""Test data: a small org tree and one user per role, built through the services."""

from datetime import date

import factory

from mofan.accounts.models import User
from mofan.accounts.services import grant_create
from mofan.core.access import Role
from mofan.orgs.models import OrgType
from mofan.orgs.services import org_create

PASSWORD = "Test@Pass123"


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
        actor=None,
        parent=parent,
        code=fields.pop("code", f"T{number:05d}"),
        name=name or f"{OrgType(org_type).label}{number}",
        org_type=org_type,
        **fields,
    )


def make_user(role: Role, org, username=None, **fields):
    user = UserFactory(**({"username": username} if username else {}), **fields)
    grant_create(actor=None, user=user, role=role, org=org)
    return user


def term(start: date, end: date) -> dict:
    return {"term_start": start, "term_end": end}
