"""Small helpers the views of every module share."""

from django.core.paginator import Paginator

from mofan.core.errors import ApplicationError

PAGE_SIZE = 50


def run_service(form, call):
    """Run a service call; a rule it refuses becomes a form error and the typed input stays."""
    try:
        return call()
    except ApplicationError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        return None


def paginate_page(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def sort_param(request, allowed: dict[str, str], default: str) -> tuple[str, str]:
    """The `sort` query value if allowed (prefix '-' for descending) and its order_by field."""
    key = request.GET.get("sort", default)
    bare = key.lstrip("-")
    if bare not in allowed:
        key, bare = default, default.lstrip("-")
    field = allowed[bare]
    return key, ("-" + field if key.startswith("-") else field)


def form_errors(form) -> str:
    """All of a form's errors as one Chinese sentence, for a flash message after a redirect."""
    return "；".join(e for errors in form.errors.values() for e in errors) or "请检查填写的内容"
