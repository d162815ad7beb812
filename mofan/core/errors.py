import re


class ApplicationError(Exception):
    """A rule the user broke, with a Chinese message they can act on.

    Views show it as a form error, the API answers 400 with it as `detail`.
    """

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def full_clean_or_refuse(instance, exclude=()) -> None:
    """Django's model validation, its first problem turned into an ApplicationError."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ApplicationError(messages[0], field=field) from exc


# Control characters other than tab and line breaks: never typed, and no workbook can hold them.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")
