import string

from django.core.exceptions import ValidationError

MIN_LENGTH = 8
MIN_CLASSES = 3


def character_classes(password: str) -> int:
    classes = [
        any(c.isupper() for c in password),
        any(c.islower() for c in password),
        any(c.isdigit() for c in password),
        any(c in string.punctuation or c == " " for c in password),
    ]
    return sum(classes)


class LengthAndVarietyValidator:
    """等保: at least 8 characters and at least 3 of upper, lower, digits, symbols."""

    def validate(self, password, user=None):
        if len(password) < MIN_LENGTH or character_classes(password) < MIN_CLASSES:
            raise ValidationError(
                "密码至少 8 位，并包含大写字母、小写字母、数字、符号中的至少 3 种。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return "密码至少 8 位，并包含大写字母、小写字母、数字、符号中的至少 3 种。"


class NotUsernameValidator:
    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if username and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self):
        return "密码不能包含用户名。"
