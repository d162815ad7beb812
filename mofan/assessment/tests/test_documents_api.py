"""POST /api/v1/assessment/schemes/import: the exported workbook comes back as a draft; a bad
file answers 400 with every bad row and writes nothing; the read-only gets 403, an org outside
the user's tree is not found (400, as when creating a scheme)."""

import io

from openpyxl import load_workbook

from mofan.assessment.models import Scheme
from mofan.assessment.tests.test_documents import model_scheme  # noqa: F401  (fixture)

URL = "/api/v1/assessment/schemes/import"


def exported(login, user, scheme) -> bytes:
    return login(user).get(f"/assessment/{scheme.id}/export/").content


def sent(content: bytes, name="方案.xlsx"):
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


def test_an_exported_scheme_imports_as_a_new_draft(users, tree, api, login, model_scheme):  # noqa: F811
    content = exported(login, users.committee_admin, model_scheme)
    answer = api(users.committee_admin).post(
        URL, {"file": sent(content), "org_id": tree.committee.id, "name": "2026年度考核方案"}
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["name"] == "2026年度考核方案" and body["status"] == "draft"
    assert body["items"] == model_scheme.indicators.exclude(parent=None).count()


def test_a_bad_row_answers_400_with_its_row_and_column_and_imports_nothing(
    users,
    tree,
    api,
    login,
    model_scheme,  # noqa: F811
):
    workbook = load_workbook(io.BytesIO(exported(login, users.committee_admin, model_scheme)))
    sheet = workbook.active
    sheet["D4"] = "六分"  # the first item's points
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = Scheme.objects.count()
    answer = api(users.committee_admin).post(
        URL, {"file": sent(buffer.getvalue()), "org_id": tree.committee.id}
    )
    assert answer.status_code == 400
    body = answer.json()
    assert "未导入任何指标" in body["detail"]
    assert {(e["row"], e["column"]) for e in body["errors"]} >= {(4, "分值")}
    assert Scheme.objects.count() == before


def test_who_may_not_import_gets_403_or_404(users, tree, api, login, model_scheme):  # noqa: F811
    content = exported(login, users.committee_admin, model_scheme)
    payload = {"file": sent(content), "org_id": tree.committee.id}
    assert api(users.leader).post(URL, payload).status_code == 403
    payload = {"file": sent(content), "org_id": tree.committee.id}
    outside = api(users.secretary).post(URL, payload)  # the committee is outside their tree
    assert outside.status_code == 400 and "组织不存在" in outside.json()["detail"]
    payload = {"file": sent(content), "org_id": 2**70}
    assert api(users.committee_admin).post(URL, payload).status_code == 400
