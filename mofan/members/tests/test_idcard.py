"""公民身份号码 (GB 11643-1999): check digit, length, birth date, region, masking."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mofan.members import idcard

REGIONS = st.sampled_from(["110105", "320102", "440106", "510104", "650102", "820000"])
BIRTH_DATES = st.dates(min_value=date(1920, 1, 1), max_value=date(2010, 12, 31))
SEXES = st.sampled_from(["male", "female"])


def refused(number: str) -> str:
    with pytest.raises(ValueError) as caught:
        idcard.parse(number)
    return str(caught.value)


# A real-format example: 11010519491231002X is the check-digit example of GB 11643.
STANDARD_EXAMPLE = "11010519491231002X"


def test_it_accepts_the_example_of_the_standard():
    parsed = idcard.parse(STANDARD_EXAMPLE)
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "female"


def test_it_reads_a_lower_case_x_and_surrounding_spaces():
    assert idcard.parse(" 11010519491231002x ").number == STANDARD_EXAMPLE


@given(region=REGIONS, born=BIRTH_DATES, sequence=st.integers(0, 999), sex=SEXES)
def test_it_parses_every_number_it_makes(region, born, sequence, sex):
    number = idcard.make(region, born, sequence, sex)
    parsed = idcard.parse(number)
    assert parsed.number == number
    assert parsed.birth_date == born
    assert parsed.sex == sex


@given(
    region=REGIONS,
    born=BIRTH_DATES,
    sequence=st.integers(0, 999),
    sex=SEXES,
    position=st.integers(0, 16),
    shift=st.integers(1, 9),
)
def test_it_refuses_a_number_with_any_one_of_the_first_17_digits_changed(
    region, born, sequence, sex, position, shift
):
    number = idcard.make(region, born, sequence, sex)
    digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + digit + number[position + 1 :]
    with pytest.raises(ValueError):
        idcard.parse(changed)


@given(region=REGIONS, born=BIRTH_DATES, sequence=st.integers(0, 999), sex=SEXES, data=st.data())
def test_it_refuses_a_number_with_a_wrong_check_character(region, born, sequence, sex, data):
    number = idcard.make(region, born, sequence, sex)
    wrong = data.draw(st.sampled_from([c for c in idcard.CHECK_CHARS if c != number[17]]))
    message = refused(number[:17] + wrong)
    assert "校验位错误" in message
    assert f"应为 {number[17]}" in message


@pytest.mark.parametrize("number", ["11010519491231002", "11010519491231002X1", ""])
def test_it_refuses_a_number_that_is_not_18_characters(number):
    assert f"现为 {len(number)} 位" in refused(number)


def test_it_refuses_letters_before_the_check_character():
    assert "前 17 位须为数字" in refused("1101051949123100AX")


def test_it_refuses_a_birth_date_that_does_not_exist():
    first17 = "11010519490231002"  # 31 February
    message = refused(first17 + idcard.check_char(first17))
    assert "出生日期“19490231”不存在" in message


def test_it_refuses_an_unknown_province():
    first17 = "99010519491231002"
    message = refused(first17 + idcard.check_char(first17))
    assert "地区码“990105”不正确" in message


def test_it_masks_the_middle_eight_characters():
    assert idcard.mask("110105198506151234") == "110105********1234"
    assert idcard.parse(STANDARD_EXAMPLE).masked == "110105********002X"


def test_it_masks_a_malformed_number_completely():
    assert idcard.mask("12345") == "*****"
