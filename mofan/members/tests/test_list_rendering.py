"""The member list's rendering budget (issue 10 §5): a page of 50 rows renders in a fixed
number of templates, whatever the number of rows, and shows each row once, as a card on phones
(the data table component)."""

import re
import time

from django.template.base import Template


def rows_of(response) -> list[str]:
    return re.findall(r'<td><a href="/members/\d+/">([^<]+)</a></td>', response.content.decode())


class TemplateCounter:
    """Counts every template rendered, includes and widget templates too."""

    def __init__(self):
        self.count = 0

    def __enter__(self):
        self.original = Template._render

        def counting(template, context):
            self.count += 1
            return self.original(template, context)

        Template._render = counting
        return self

    def __exit__(self, *exc):
        Template._render = self.original


def test_fifty_rows_render_in_as_many_templates_as_five(tree, users, login, make_member):
    for _ in range(5):
        make_member(tree.branch)
    client = login(users.unit_admin)
    client.get("/members/")  # warm up the session and the template cache
    with TemplateCounter() as few:
        assert len(rows_of(client.get("/members/"))) == 5
    for i in range(55):
        make_member(tree.other_branch if i % 2 else tree.branch)
    with TemplateCounter() as many:
        response = client.get("/members/")
    assert len(rows_of(response)) == 50
    assert many.count == few.count
    assert many.count <= 12  # the page, base.html, the pager: no template per row or per field


def test_each_row_carries_the_labels_phones_show_on_its_card(tree, users, login, make_member):
    make_member(tree.branch, name="卡片党员")
    page = login(users.unit_admin).get("/members/").content.decode()
    row = re.search(r"<tr><td[^>]*><input[^>]*>.*?卡片党员.*?</tr>", page, re.S).group(0)
    assert 'data-label="所在支部">发改委第一党支部</td>' in row
    assert 'class="cell-minor"' in row  # 公民身份号码 … are left out of the card
    assert 'class="table table-vcenter card-table responsive"' in page


def test_an_empty_list_says_so_and_what_to_try(tree, users, login):
    page = login(users.unit_admin).get("/members/?q=没有这个人").content.decode()
    assert '<p class="empty-title">暂无记录</p>' in page
    assert "换个条件查询" in page


def test_fifty_rows_render_well_within_a_generous_time(tree, users, login, make_member):
    for _ in range(50):
        make_member(tree.branch)
    client = login(users.unit_admin)
    client.get("/members/")
    started = time.process_time()
    for _ in range(5):
        client.get("/members/")
    assert (time.process_time() - started) / 5 < 0.5  # CPU seconds: ~0.02 when alone
