import datetime

from django import forms
from django.core.exceptions import ValidationError

from mofan.core.dates import TypedDateError, parse_typed_date
from mofan.core.errors import CONTROL_CHARACTERS
from mofan.core.form_layout import form_context
from mofan.core.registry import audit_labels

CONTROL_MESSAGE = "不能包含控制字符（通常是从其他系统复制时带入的不可见字符），请删除后重试"
DATE_PLACEHOLDER = "如 2019-07-01"


class DateWidget(forms.DateInput):
    """A text box that takes a date typed the way people write it (2019年7月1日, 2019.7.1 …)
    with a calendar button beside it that opens the browser's own date picker (core/forms.js)."""

    input_type = "text"
    template_name = "components/date_input.html"

    def __init__(self, attrs=None):
        defaults = {"inputmode": "decimal", "placeholder": DATE_PLACEHOLDER, "autocomplete": "off"}
        super().__init__(attrs={**defaults, **(attrs or {})}, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date typed in any of the forms parse_typed_date reads; says what is wrong with an
    impossible one (2019年2月没有29日) instead of only 'invalid'."""

    widget = DateWidget

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_typed_date(str(value))
        except TypedDateError as error:
            if not error.reason:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            raise ValidationError(
                f"{_label(self)}填写有误：{error.reason}", code="invalid_date"
            ) from None


def _label(field) -> str:
    return str(field.label or "此项")


def _is_day_input(widget) -> bool:
    """A plain or native (type=date) date input; month inputs (type=month) keep their widget."""
    return isinstance(widget, forms.DateInput) and widget.input_type in ("date", "text")


def use_date_widget(field: forms.Field) -> None:
    """Make a plain forms.DateField of an app's form read typed dates and show the core date
    widget, so that app forms keep declaring forms.DateField."""
    if type(field) is not forms.DateField or not _is_day_input(field.widget):
        return
    field.__class__ = DateField
    field.widget = DateWidget(attrs=field.widget.attrs)
    field.widget.is_required = field.required


def chinese_messages(field: forms.Field) -> dict[str, str]:
    """Clear Chinese error messages for `field`, naming it by its label."""
    label = _label(field).replace("%", "%%")
    messages = {"required": f"请填写{label}"}
    choose = f"{label}的选项“%(value)s”不在可选范围内，请重新选择"
    if isinstance(field, forms.BooleanField):
        messages["required"] = f"请勾选{label}"
    elif isinstance(field, forms.FileField):
        messages.update(
            required=f"请选择要上传的{label}",
            missing=f"请选择要上传的{label}",
            invalid=f"{label}没有上传成功，请重新选择文件",
            empty=f"{label}是空文件",
            max_length=f"{label}的文件名最多 %(max)d 个字（现在 %(length)d 个）",
            contradiction=f"{label}：请上传新文件或勾选清除，不要同时选",
            invalid_extension=f"{label}只接受 %(allowed_extensions)s 文件（所选文件是 %(extension)s）",
        )
        if isinstance(field, forms.ImageField):
            messages["invalid_image"] = f"{label}不是有效的图片（或图片已损坏）"
    elif isinstance(field, forms.ModelMultipleChoiceField):
        messages.update(
            required=f"请选择{label}",
            invalid_list=f"请选择{label}",
            invalid_choice=choose,
            invalid_pk_value=f"{label}的选项“%(pk)s”无效，请重新选择",
        )
    elif isinstance(field, forms.ModelChoiceField):
        messages.update(
            required=f"请选择{label}",
            invalid_choice=f"所选{label}已不存在或不可选，请重新选择",
        )
    elif isinstance(field, (forms.ChoiceField, forms.MultipleChoiceField)):
        messages.update(
            required=f"请选择{label}", invalid_choice=choose, invalid_list=f"请选择{label}"
        )
    elif isinstance(field, (forms.IntegerField, forms.FloatField, forms.DecimalField)):
        number = "整数" if type(field) is forms.IntegerField else "数字"
        messages.update(
            invalid=f"{label}请填写{number}",
            max_value=f"{label}不能大于 %(limit_value)s",
            min_value=f"{label}不能小于 %(limit_value)s",
            step_size=f"{label}应为 %(limit_value)s 的整数倍",
            max_digits=f"{label}最多 %(max)s 位数字",
            max_decimal_places=f"{label}最多 %(max)s 位小数",
            max_whole_digits=f"{label}的整数部分最多 %(max)s 位",
        )
    elif isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"请按 2019-07-01 09:30 的格式填写{label}"
    elif isinstance(field, forms.DateField):
        messages.update(
            required=f"请填写{label}", invalid=f"请按 2019-07-01 或 2019年7月1日 的格式填写{label}"
        )
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"请按 09:30 的格式填写{label}"
    elif isinstance(field, forms.CharField):
        messages.update(
            max_length=f"{label}最多 %(limit_value)d 个字（现在 %(show_value)d 个）",
            min_length=f"{label}至少 %(limit_value)d 个字（现在 %(show_value)d 个）",
        )
        if isinstance(field, forms.EmailField):
            messages["invalid"] = f"{label}不是有效的电子邮箱地址"
        elif isinstance(field, forms.URLField):
            messages["invalid"] = f"{label}不是有效的网址"
        elif isinstance(field, forms.RegexField):
            messages["invalid"] = f"{label}的格式不对"
    messages["null_characters_not_allowed"] = f"{label}不能包含空字符"
    return messages


def _django_defaults(field: forms.Field) -> dict:
    defaults = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


def use_chinese_messages(field: forms.Field) -> None:
    """Replace Django's default messages of `field` by chinese_messages; a message the form's
    author wrote (error_messages=…) stays. Messages of the built-in validators (max_length …)
    are replaced too, because a field's error_messages override its validators' messages."""
    ours = chinese_messages(field)
    replaceable = {**_django_defaults(field), **getattr(field, "chinese_messages", {})}
    for code, message in ours.items():
        current = field.error_messages.get(code)
        if current is None or current == replaceable.get(code):
            field.error_messages[code] = message
    field.chinese_messages = ours


def prepare_fields(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        use_date_widget(field)
        use_chinese_messages(field)


class Form(forms.Form):
    """The base of every form: rendered by the one form template (components/form.html, a grid
    with required marks, help text and an error summary), Chinese messages on every field,
    dates typed as people write them, and text with control characters (other than tab and
    line breaks) refused on its field, because no one types them and an Excel export cannot
    hold them."""

    template_name = "components/form.html"
    # Field names laid out over the whole row besides long text, files and multi-selects.
    wide_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prepare_fields(self)

    def full_clean(self):
        # Again here: a subclass may relabel or add fields after calling __init__.
        prepare_fields(self)
        super().full_clean()

    def render(self, template_name=None, context=None, renderer=None):
        """{{ form }}: the one form template; as_p and friends keep Django's own."""
        if template_name is None and context is None:
            prepare_fields(self)
            context = form_context(self)
        return super().render(template_name, context, renderer)

    __str__ = render
    __html__ = render

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                self.add_error(name, CONTROL_MESSAGE)
        return cleaned


class AuditSearchForm(Form):
    username = forms.CharField(label="用户", required=False)
    action = forms.ChoiceField(
        label="操作",
        required=False,
        choices=lambda: [("", "全部")] + sorted(audit_labels().items()),
    )
    target = forms.CharField(label="对象", required=False)
    since = forms.DateField(label="起始日期", required=False)
    until = forms.DateField(label="截止日期", required=False)
