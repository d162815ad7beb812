"""公民身份号码 (GB 11643-1999): 18 characters, the last a check digit over the first 17."""

from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCES = {
    *range(11, 16),
    *range(21, 24),
    *range(31, 38),
    *range(41, 47),
    *range(50, 55),
    *range(61, 66),
    71,
    81,
    82,
}


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    sex: str  # "male" / "female"

    @property
    def masked(self) -> str:
        return mask(self.number)


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def mask(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:] if len(number) == 18 else "*" * len(number)


def parse(raw: str) -> IdNumber:
    """A valid 18-character number, or ValueError with a Chinese reason."""
    number = (raw or "").strip().upper()
    if len(number) != 18:
        raise ValueError(f"公民身份号码应为 18 位，现为 {len(number)} 位")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("公民身份号码前 17 位须为数字，最后一位为数字或 X")
    if int(number[:2]) not in PROVINCES:
        raise ValueError(f"公民身份号码的地区码“{number[:6]}”不正确")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValueError(f"公民身份号码中的出生日期“{number[6:14]}”不存在") from exc
    expected = check_char(number[:17])
    if number[17] != expected:
        raise ValueError(f"公民身份号码校验位错误（最后一位应为 {expected}），请核对")
    return IdNumber(number, born, "male" if int(number[16]) % 2 else "female")


def make(region: str, born: date, sequence: int, sex: str) -> str:
    """A fictional but valid number (demo and test data)."""
    seq = sequence % 1000
    if (seq % 2 == 1) != (sex == "male"):
        seq = (seq + 1) % 1000
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17)
