def test_it_renders_the_tree_for_a_committee_admin(login, users, tree):
    response = login(users.committee_admin).get("/orgs/")
    assert response.status_code == 200
    assert (
        "发改委第一党支部" in response.content.decode()
        or "市发改委机关党委" in response.content.decode()
    )
