"""The one NinjaAPI at /api/v1/: auth, pagination, and the error shapes every module shares."""

import enum
from datetime import datetime, time
from typing import Annotated

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import AfterValidator, WithJsonSchema

from mofan.core.errors import CONTROL_CHARACTERS, ApplicationError

MAX_PAGE_SIZE = 200


# The accounts app tells core how a personal token becomes a user (core imports no app).
_token_authenticators: list = []


def register_token_authenticator(authenticate) -> None:
    if authenticate not in _token_authenticators:
        _token_authenticators.append(authenticate)


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = next(filter(None, (auth(token) for auth in _token_authenticators)), None)
        if user is None:
            return None
        request.user = user
        return _password_changed(user)


class SessionCookie(APIKeyCookie):
    """The browser session; unsafe methods also need the CSRF token, as on the pages."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return _password_changed(user)


def _password_changed(user):
    if user.must_change_password:
        raise PermissionDenied("请先登录网页修改初始密码")
    return user


class ReadableJSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\u escapes, so people reading the API can read it."""

    json_dumps_params = {"ensure_ascii": False}


NUL_MESSAGE = "内容不能包含空字符（\\0）"
CONTROL_MESSAGE = "内容不能包含控制字符（如 \\x0b），请删除后重试"
# What a 64-bit id column holds; a larger number would reach the database and overflow there.
BIGGEST_ID = 2**63 - 1
TOO_BIG_MESSAGE = f"数值超出范围（不能超过 {BIGGEST_ID}）"


def _refuse_bad_values(data):
    """Input no column can hold, refused before it reaches a query: NUL (PostgreSQL cannot
    store it), control characters (an export could not hold them) and integers beyond 64 bits."""
    if isinstance(data, str):
        if "\x00" in data:
            raise ApplicationError(NUL_MESSAGE)
        if CONTROL_CHARACTERS.search(data):
            raise ApplicationError(CONTROL_MESSAGE)
    elif isinstance(data, bool):
        pass
    elif isinstance(data, int) and abs(data) > BIGGEST_ID:
        raise ApplicationError(TOO_BIG_MESSAGE)
    elif isinstance(data, dict):
        for key, value in data.items():
            _refuse_bad_values(key)
            _refuse_bad_values(value)
    elif isinstance(data, list):
        for value in data:
            _refuse_bad_values(value)
    return data


class InputParser(Parser):
    def parse_body(self, request):
        if not request.body.strip():
            return {}  # an empty body is an empty object; required fields are then reported
        return _refuse_bad_values(super().parse_body(request))

    def parse_querydict(self, data, list_fields, request):
        return _refuse_bad_values(super().parse_querydict(data, list_fields, request))


api = NinjaAPI(
    renderer=ReadableJSONRenderer(),
    title="模范机关创建管理平台 API",
    version="1",
    description="所有接口只返回当前用户授权范围（组织子树）内的数据。认证：`Authorization: Bearer <令牌>`。",
    auth=[BearerToken(), SessionCookie()],
    parser=InputParser(),
    docs_decorator=login_required,  # the documentation and openapi.json are for signed-in users
    urls_namespace="api",
)


class ErrorOut(Schema):
    detail: str


# The answers every operation may give besides its own: bad input, no login or token, no
# permission, not found (or outside the user's sub-tree).
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _local_time(value: time) -> time:
    """A time of day as stored: naive, in the server's time zone ("10:00+08:00" → 10:00)."""
    if value.tzinfo is None:
        return value
    moment = datetime.combine(timezone.localdate(), value)
    return timezone.localtime(moment).time().replace(tzinfo=None)


# JSON Schema's "time" demands an offset (10:00:00+08:00); the API speaks local time of day.
TIME_OF_DAY_SCHEMA = {"type": "string", "format": "partial-time", "example": "10:00:00"}
TimeOfDay = Annotated[time, WithJsonSchema(TIME_OF_DAY_SCHEMA)]
LocalTime = Annotated[time, AfterValidator(_local_time), WithJsonSchema(TIME_OF_DAY_SCHEMA)]


def named_enum(name: str, choices) -> type[enum.StrEnum]:
    """The values of a model's choices as an enum with its own name in the OpenAPI document
    (two classes both called `Kind` or `Status` would otherwise share, and overwrite, one)."""
    return enum.StrEnum(name, {member.name: member.value for member in choices})


class Page(Schema):
    count: int
    page: int
    page_size: int


def paginate(queryset, page: int, page_size: int) -> tuple[list, dict]:
    if page < 1:
        raise ApplicationError("page 必须是大于 0 的整数")
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ApplicationError(f"page_size 必须在 1 到 {MAX_PAGE_SIZE} 之间")
    count = queryset.count()
    start = (page - 1) * page_size
    # A page past the end is empty; no query, so a huge page number cannot overflow the OFFSET.
    items = list(queryset[start : start + page_size]) if start < count else []
    return items, {"count": count, "page": page, "page_size": page_size}


PYDANTIC_MESSAGES = {
    "missing": "必须填写",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为 true 或 false",
    "string_type": "应为文字",
    "string_too_long": "不能超过 {max_length} 个字",
    "string_too_short": "至少 {min_length} 个字",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "不能小于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "不能大于 {le}",
    "finite_number": "应为有限的数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "decimal_max_digits": "数字位数过多",
    "decimal_max_places": "小数位数过多",
    "decimal_whole_digits": "整数部分位数过多",
    "float_parsing": "应为数字",
    "list_type": "应为列表",
    "time_parsing": "时间格式应为 HH:MM",
    "json_invalid": "JSON 格式不正确",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "extra_forbidden": "不认识的字段",
}


def _validation_message(exc: NinjaValidationError) -> str:
    parts = []
    for error in exc.errors:
        location = (
            ".".join(
                str(p)
                for p in error.get("loc", [])[1:]
                if p not in ("payload", "filters", "params")
            )
            or "请求"
        )
        template = PYDANTIC_MESSAGES.get(error.get("type", ""))
        reason = (
            template.format_map(error.get("ctx") or {})
            if template
            else error.get("msg", "格式不正确")
        )
        parts.append(f"{location}：{reason}")
    return "参数不正确：" + "；".join(parts)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"detail": _validation_message(exc)}, status=400)


@api.exception_handler(ApplicationError)
def on_application_error(request, exc):
    return api.create_response(request, {"detail": exc.message}, status=400)


@api.exception_handler(OverflowError)
def on_overflow(request, exc):
    """A number in the path or the query too big for the database (…/tasks/99999999999999999999)."""
    return api.create_response(request, {"detail": TOO_BIG_MESSAGE}, status=400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权执行此操作"}, status=403)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": "未找到"}, status=404)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌无效"}, status=401)


# django-ninja's own English messages, as a party-affairs worker should read them.
NINJA_MESSAGES = {
    "Cannot parse request body": "请求体无法解析，应为 JSON 对象",
    "CSRF check Failed": "CSRF 校验失败，请刷新页面后重试",
}


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    if isinstance(exc.__cause__, ApplicationError):  # raised by our parser while reading the body
        return on_application_error(request, exc.__cause__)
    message = str(exc)
    for english, chinese in NINJA_MESSAGES.items():
        if message.startswith(english):
            message = chinese
    return api.create_response(request, {"detail": message}, status=exc.status_code)
