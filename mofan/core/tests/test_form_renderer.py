"""The one form template (issue 10 §1): fields in a grid, required marks, help text, an error
summary that links to each field, errors under their fields, hidden-field errors with the
field's label; Chinese messages naming the field instead of Django's; dates typed the way
people write them."""

import re
from datetime import date

import pytest
from django import forms
from django.template import Context, Template

from mofan.core.dates import TypedDateError, parse_typed_date
from mofan.core.forms import DateWidget, Form

DJANGO_DEFAULTS = (
    "这个字段是必填项",
    "确保该变量",
    "确保该值",
    "输入整数",
    "输入一个整数",
    "输入一个数字",
    "输入一个有效的日期",
    "选择一个有效的选项",
    "隐藏字段",
)


class SampleForm(Form):
    org = forms.IntegerField(label="所属组织", widget=forms.HiddenInput)
    title = forms.CharField(label="事项", max_length=10, help_text="一句话说清楚")
    count = forms.IntegerField(label="人数", min_value=1, required=False)
    level = forms.ChoiceField(label="等级", choices=[("a", "一般"), ("b", "紧急")])
    tags = forms.MultipleChoiceField(
        label="标签", choices=[("x", "学习"), ("y", "调研"), ("z", "走访")], required=False
    )
    on = forms.DateField(label="日期")
    urgent = forms.BooleanField(label="加急", required=False)
    content = forms.CharField(label="内容", widget=forms.Textarea, required=False)
    files = forms.FileField(label="附件", required=False)


def bad_data(**changes):
    data = {
        "org": "abc",
        "title": "这是一个远远超过十个字的事项标题",
        "count": "3",
        "level": "b",
        "tags": ["x", "z"],
        "on": "2019年7月1日",
        "urgent": "on",
        "content": "第一行\n第二行",
    }
    data.update(changes)
    return data


def render(form) -> str:
    return Template("{% load mofan_forms %}{% form form %}").render(Context({"form": form}))


def cell(html: str, name: str) -> str:
    """The grid cell of field `name`."""
    return re.search(rf'<div class="[^"]*field-{name}".*?\n</div>', html, re.S).group(0)


def test_fields_sit_in_a_grid_and_long_text_and_files_take_the_whole_row():
    html = render(SampleForm())
    assert 'class="row g-3 form-grid"' in html
    assert 'class="col-12 col-md-6 form-field field-title"' in cell(html, "title")
    assert 'class="col-12 form-field field-content"' in cell(html, "content")
    assert 'class="col-12 form-field field-files"' in cell(html, "files")
    assert 'class="form-control"' in cell(html, "title") and 'class="form-select"' in cell(
        html, "level"
    )


def test_required_fields_are_marked_and_optional_ones_are_not():
    html = render(SampleForm())
    assert 'class="required-mark" aria-hidden="true"' in cell(html, "title")
    assert " required" in cell(html, "title")
    assert "required-mark" not in cell(html, "count")


def test_help_text_is_shown_and_described_by_the_input():
    title = cell(render(SampleForm()), "title")
    assert '<div class="form-hint" id="id_title_helptext">一句话说清楚</div>' in title
    assert 'aria-describedby="id_title_helptext"' in title


def test_an_unbound_form_has_no_summary():
    assert "请修改以下" not in render(SampleForm())


def test_the_summary_counts_and_links_every_error_and_names_hidden_fields_by_their_label():
    form = SampleForm(bad_data(count="0"))
    form.add_error(None, "同一事项不能重复登记")
    html = render(form)
    assert "请修改以下 4 处错误" in html
    summary = re.search(r'<div class="alert alert-danger form-summary".*?</div>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", summary.group(0))
    assert items == [
        "同一事项不能重复登记",
        "所属组织请填写整数",
        '<a href="#id_title">事项最多 10 个字（现在 16 个）</a>',
        '<a href="#id_count">人数不能小于 1</a>',
    ]
    assert "隐藏字段" not in html


def test_a_field_error_shows_under_its_field_and_marks_the_input():
    title = cell(render(SampleForm(bad_data())), "title")
    assert "is-invalid" in title and 'aria-invalid="true"' in title
    assert (
        '<div class="invalid-feedback d-block" id="id_title_error">事项最多 10 个字（现在 16 个）</div>'
        in title
    )
    assert 'aria-describedby="id_title_helptext id_title_error"' in title


def test_every_typed_value_stays_on_an_error():
    html = render(SampleForm(bad_data()))
    assert 'value="这是一个远远超过十个字的事项标题"' in html
    assert 'value="3"' in cell(html, "count")
    assert re.search(r'<option value="b" selected>', cell(html, "level"))
    tags = cell(html, "tags")
    assert 'value="x" selected' in tags and 'value="z" selected' in tags
    assert 'value="y" selected' not in tags
    assert 'value="2019年7月1日"' in cell(html, "on")
    assert "checked" in cell(html, "urgent")
    assert "第一行\n第二行</textarea>" in cell(html, "content")


def test_form_renders_the_same_template_as_the_tag():
    form = SampleForm(bad_data())
    assert str(form) == render(form)


def test_no_django_default_message_shows():
    form = SampleForm({"org": "x", "count": "多", "level": "c", "tags": ["w"], "on": "昨天"})
    html = render(form)
    assert not [text for text in DJANGO_DEFAULTS if text in html]
    assert form.errors == {
        "org": ["所属组织请填写整数"],
        "title": ["请填写事项"],
        "count": ["人数请填写整数"],
        "level": ["等级的选项“c”不在可选范围内，请重新选择"],
        "tags": ["标签的选项“w”不在可选范围内，请重新选择"],
        "on": ["请按 2019-07-01 或 2019年7月1日 的格式填写日期"],
    }


def test_a_message_the_form_author_wrote_stays():
    class Custom(Form):
        name = forms.CharField(label="姓名", error_messages={"required": "姓名不能空着"})

    assert Custom({}).errors == {"name": ["姓名不能空着"]}


def test_messages_follow_a_label_changed_after_init():
    class Relabelled(Form):
        name = forms.CharField(label="名称")

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["name"].label = "单位名称"

    assert Relabelled({}).errors == {"name": ["请填写单位名称"]}


def test_decimal_messages_are_chinese():
    class Hours(Form):
        hours = forms.DecimalField(label="时长", max_digits=3, decimal_places=1, max_value=24)

    assert Hours({"hours": "1.25"}).errors == {"hours": ["时长最多 1 位小数"]}
    assert Hours({"hours": "30"}).errors == {"hours": ["时长不能大于 24"]}
    assert Hours({"hours": "abc"}).errors == {"hours": ["时长请填写数字"]}


@pytest.mark.parametrize(
    "typed",
    [
        "2019-07-01",
        "2019-7-1",
        "2019/7/1",
        "2019.7.1",
        "2019年7月1日",
        "2019年7月1号",
        "2019 年 7 月 1 日",
        "20190701",
        "２０１９年７月１日",
        " 2019.07.01 ",
    ],
)
def test_a_date_is_read_however_it_is_typed(typed):
    assert parse_typed_date(typed) == date(2019, 7, 1)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("2019年13月1日", "没有13月"),
        ("2019-00-10", "没有0月"),
        ("2019年2月29日", "2019年2月没有29日"),
        ("2019-4-31", "2019年4月没有31日"),
        ("0019-01-01", "年份19不对"),
        ("昨天", ""),
        ("2019-7", ""),
        ("19-7-1", ""),
        ("201971", ""),
    ],
)
def test_a_date_that_does_not_exist_is_refused_with_the_reason(typed, reason):
    with pytest.raises(TypedDateError) as refused:
        parse_typed_date(typed)
    assert refused.value.reason == reason


def test_the_29th_of_february_exists_in_a_leap_year():
    assert parse_typed_date("2020年2月29日") == date(2020, 2, 29)
    assert parse_typed_date("2000.2.29") == date(2000, 2, 29)


class DateForm(Form):
    on = forms.DateField(label="转正日期", widget=forms.DateInput(attrs={"type": "date"}))
    month = forms.DateField(
        label="月份",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


@pytest.mark.parametrize("typed", ["2019-07-01", "2019年7月1日", "2019.7.1", "20190701"])
def test_every_date_field_of_a_form_accepts_typed_dates(typed):
    form = DateForm({"on": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["on"] == date(2019, 7, 1)


def test_an_impossible_date_is_refused_in_chinese_naming_the_field():
    assert DateForm({"on": "2019年13月1日"}).errors == {"on": ["转正日期填写有误：没有13月"]}
    assert DateForm({"on": "2019年2月29日"}).errors == {
        "on": ["转正日期填写有误：2019年2月没有29日"]
    }


def test_a_date_field_shows_a_text_box_with_a_calendar_button():
    form = DateForm(initial={"on": date(2019, 7, 1)})
    assert isinstance(form.fields["on"].widget, DateWidget)
    html = str(form["on"])
    assert 'type="text"' in html and 'value="2019-07-01"' in html
    assert 'inputmode="decimal"' in html and 'placeholder="如 2019-07-01"' in html
    assert "data-date-open" in html and 'type="date"' in html and "data-date-native" in html
    assert 'aria-label="打开日历"' in html


def test_a_month_field_keeps_its_month_input():
    form = DateForm({"on": "2019-07-01", "month": "2019-07"})
    assert 'type="month"' in str(form["month"])
    assert form.is_valid() and form.cleaned_data["month"] == date(2019, 7, 1)


def test_the_login_form_says_what_is_missing_in_chinese(client, db):
    html = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "请填写用户名" in html and "请填写密码" in html
    assert "请修改以下 2 处错误" in html
    assert not [text for text in DJANGO_DEFAULTS if text in html]
