"""The design system's template components: sortable headers that replace the sort, a pager with
page numbers that keeps the filters, one colour per status, the icon sprite the menu uses."""

import re
from pathlib import Path

from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory

from mofan.core.registry import menu_entries

SPRITE = Path(__file__).parents[1] / "static/vendor/tabler-icons/3.52.0/sprite.svg"


def render(source: str, url: str, **context) -> str:
    request = RequestFactory().get(url)
    return Template("{% load mofan %}" + source).render(Context({"request": request, **context}))


def test_a_sort_header_replaces_the_sort_instead_of_appending_one():
    html = render('{% sort_header "name" "姓名" %}', "/members/?q=王&sort=name&page=3", sort="name")
    href = re.search(r'href="\?([^"]*)"', html).group(1).replace("&amp;", "&")
    assert sorted(href.split("&")) == sorted(["q=%E7%8E%8B", "sort=-name"])  # page 1, one sort
    assert "▲" in html and 'aria-sort="ascending"' in html


def test_a_second_click_sorts_the_other_way_and_other_columns_start_ascending():
    html = render('{% sort_header "name" "姓名" %}|{% sort_header "org" "支部" %}', "/?sort=-name")
    name, org = html.split("|")
    assert "sort=name" in name and "▼" in name
    assert "sort=org" in org and "▲" not in org and "sorted" not in org


def test_the_pager_numbers_its_pages_and_keeps_filters_and_sort():
    page = Paginator(list(range(500)), 20).page(7)
    html = render("{% pager page %}", "/members/?q=x&sort=-name&page=7", page=page)
    assert "第 7 / 25 页，共 500 条" in html
    assert 'href="?q=x&amp;sort=-name&page=6">上一页' in html
    assert 'href="?q=x&amp;sort=-name&page=8">下一页' in html
    assert '<span class="page-link">7</span>' in html and ">25</a>" in html
    assert "…" in html  # pages 2 to 4 and 10 to 24 are elided
    assert ">12</a>" not in html


def test_the_pager_keeps_the_filters_the_view_names(db):
    page = Paginator(list(range(60)), 20).page(1)
    html = render("{% pager page %}", "/members/birthdays/", page=page, query="org=3")
    assert 'href="?org=3&page=2">下一页' in html


def test_one_page_shows_only_the_total():
    page = Paginator(list(range(3)), 20).page(1)
    html = render("{% pager page %}", "/", page=page)
    assert "共 3 条" in html and "下一页" not in html


def test_each_status_has_one_colour_across_modules():
    html = render(
        '{% status_tag "done" "已完成" %}{% status_tag "overdue" "逾期" %}'
        '{% status_tag "due" "临期" %}{% status_tag "todo" "未开始" %}',
        "/",
    )
    assert 'class="tag tag-done">已完成' in html and 'class="tag tag-bad">逾期' in html
    assert 'class="tag tag-due">临期' in html and 'class="tag tag-todo">未开始' in html


def test_a_progress_bar_shows_one_format_and_stays_within_bounds():
    assert ">60%</span>" in render("{% progress_bar 60 %}", "/")
    assert 'value="100"' in render("{% progress_bar 140 %}", "/")
    assert 'value="0"' in render("{% progress_bar None %}", "/")


def test_every_menu_icon_is_in_the_vendored_sprite(db):
    symbols = set(re.findall(r'<symbol id="([^"]+)"', SPRITE.read_text()))
    icons = {entry.icon for entry in menu_entries(is_admin=True)} | {"bell", "logout", "menu-2"}
    assert icons <= symbols


def test_a_stat_card_with_nothing_waiting_is_grey_whatever_its_tone():
    def card(number):
        return render_to_string(
            "components/stat_card.html",
            {"label": "逾期任务", "number": number, "link": "/plans/tasks/", "tone": "danger"},
        )

    assert "stat-zero" in card(0) and "text-danger" not in card(0)
    assert "stat-zero" not in card(3) and "text-danger" in card(3)
