"""The rule form: conditions as rows of 指标 / 比较 / 数值 in Chinese instead of JSON; rows
added in the empty rows, removed with 删除 or by clearing them; the list says rules in words."""

from mofan.orgs.tests.test_health import rule, rule_form


def edit_url(found) -> str:
    return f"/orgs/rules/{found.id}/edit/"


def test_it_shows_one_row_per_condition_and_three_empty_rows(tree, users, login):
    found = rule("committee-required")  # 正式党员人数 不少于 7，且班子成员人数 小于 3
    page = login(users.committee_admin).get(edit_url(found)).content.decode()

    assert 'name="conditions-TOTAL_FORMS" value="5"' in page
    assert '<option value="full_members" selected>正式党员人数</option>' in page
    assert '<option value="committee_size" selected>班子成员人数</option>' in page
    assert '<option value="gte" selected>不少于</option>' in page
    assert 'name="conditions-0-value" value="7"' in page
    for word in ["小于", "不超过", "大于", "不少于", "等于"]:
        assert f">{word}</option>" in page
    assert "[[" not in page  # no JSON to type


def test_it_explains_the_message_placeholders_in_chinese(tree, users, login):
    page = login(users.committee_admin).get(edit_url(rule("term-overdue"))).content.decode()
    assert "<code>{days_overdue}</code> 任期已逾期天数" in page
    assert "<code>{name}</code> 组织名称" in page


def test_it_adds_a_condition_typed_in_an_empty_row(tree, users, login):
    found = rule("branch-too-large")
    data = rule_form(found, [["members", "gt", 50], ["committee_size", "lt", "3"]])
    data["conditions-INITIAL_FORMS"] = "1"

    response = login(users.committee_admin).post(edit_url(found), data)

    assert response.status_code == 302
    assert rule("branch-too-large").conditions == [
        ["members", "gt", 50],
        ["committee_size", "lt", 3],
    ]


def test_it_removes_a_condition_marked_delete_or_cleared(tree, users, login):
    found = rule("committee-required")
    client = login(users.committee_admin)

    data = rule_form(found)
    data["conditions-1-DELETE"] = "on"
    assert client.post(edit_url(found), data).status_code == 302
    assert rule("committee-required").conditions == [["full_members", "gte", 7]]

    found = rule("committee-required")
    data = rule_form(found, [["full_members", "gte", 9], ["", "lt", ""]])
    data["conditions-INITIAL_FORMS"] = "2"
    assert client.post(edit_url(found), data).status_code == 302
    assert rule("committee-required").conditions == [["full_members", "gte", 9]]


def test_it_refuses_a_rule_without_any_condition(tree, users, login):
    found = rule("branch-too-large")
    data = rule_form(found, [])
    data["conditions-INITIAL_FORMS"] = "0"

    response = login(users.committee_admin).post(edit_url(found), data)

    assert response.status_code == 200
    assert "规则至少需要一个条件" in response.content.decode()
    assert rule("branch-too-large").conditions == [["members", "gt", 50]]


def test_it_asks_for_the_missing_half_of_a_row(tree, users, login):
    found = rule("branch-too-large")
    client = login(users.committee_admin)

    no_value = client.post(edit_url(found), rule_form(found, [["members", "gt", ""]]))
    assert "请填写该条件的数值" in no_value.content.decode()

    no_metric = client.post(edit_url(found), rule_form(found, [["", "gt", "40"]]))
    assert "请选择该条件的指标" in no_metric.content.decode()
    assert 'name="conditions-0-value" value="40"' in no_metric.content.decode()
    assert rule("branch-too-large").conditions == [["members", "gt", 50]]


def test_it_ignores_a_post_without_the_rows(tree, users, login):
    found = rule("branch-too-large")
    data = {"name": found.name, "message": found.message, "severity": found.severity}

    response = login(users.committee_admin).post(edit_url(found), data)

    assert response.status_code == 200
    assert rule("branch-too-large").conditions == [["members", "gt", 50]]


def test_the_rule_list_says_the_conditions_in_words(tree, users, login):
    page = login(users.committee_admin).get("/orgs/rules/").content.decode()
    assert "党员人数 大于 50" in page
    assert "[[" not in page and "&quot;gt&quot;" not in page


def test_the_audit_log_says_the_changed_conditions_in_words(tree, users, login):
    found = rule("branch-too-large")
    client = login(users.committee_admin)
    client.post(edit_url(found), rule_form(found, [["members", "gt", 40]]))

    page = client.get("/audit/", {"action": "health_rule.update"}).content.decode()

    assert "<b>条件</b>：党员人数 大于 50 → 党员人数 大于 40" in page
