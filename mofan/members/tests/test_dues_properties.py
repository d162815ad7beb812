"""Properties of the dues rate table (2008 规定), checked against an independent fen calculation."""

from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st

from mofan.members.dues import dues_standard
from mofan.members.models import DuesCategory

BASES = st.decimals(
    min_value=Decimal("0"),
    max_value=Decimal("200000"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
BY_RATE = st.sampled_from([DuesCategory.EMPLOYED, DuesCategory.RETIRED])

# The table of DOMAIN.md, in per mille, with the upper bound of each band inclusive (yuan).
PER_MILLE = {
    DuesCategory.EMPLOYED: [(3000, 5), (5000, 10), (10000, 15), (None, 20)],
    DuesCategory.RETIRED: [(5000, 5), (None, 10)],
}


def expected_fen(category: str, base: Decimal) -> int:
    """The standard in fen: the band's rate on the whole base, rounded half up, in integers."""
    base_fen = int(base * 100)
    per_mille = next(
        rate for upper, rate in PER_MILLE[category] if upper is None or base_fen <= upper * 100
    )
    return (base_fen * per_mille + 500) // 1000


def places(amount: Decimal) -> int:
    return -amount.as_tuple().exponent


@given(category=BY_RATE, base=BASES)
def test_it_charges_the_band_rate_on_the_whole_base_rounded_half_up_to_the_fen(category, base):
    standard = dues_standard(category, base)
    assert standard.amount == Decimal(expected_fen(category, base)) / 100
    assert standard.rate * 1000 == next(
        rate for upper, rate in PER_MILLE[category] if upper is None or base <= upper
    )


@given(category=st.sampled_from(DuesCategory.values), base=BASES)
def test_it_answers_a_decimal_with_two_places_never_a_float(category, base):
    amount = dues_standard(category, base).amount
    assert type(amount) is Decimal
    assert places(amount) == 2
    assert amount >= Decimal("0.00")


@given(category=BY_RATE, low=BASES, high=BASES)
def test_it_never_lowers_the_rate_or_the_amount_for_a_higher_base(category, low, high):
    assume(low <= high)
    lower, higher = dues_standard(category, low), dues_standard(category, high)
    assert lower.rate <= higher.rate
    assert lower.amount <= higher.amount


@given(
    category=st.sampled_from(
        [DuesCategory.STUDENT, DuesCategory.UNEMPLOYED, DuesCategory.SUBSISTENCE]
    ),
    base=BASES,
)
def test_it_charges_a_fixed_0_20_whatever_the_base(category, base):
    standard = dues_standard(category, base)
    assert standard.amount == Decimal("0.20")
    assert standard.rate is None


@given(base=BASES)
def test_it_keeps_farmers_between_0_20_and_1_yuan(base):
    amount = dues_standard(DuesCategory.FARMER, base).amount
    assert Decimal("0.20") <= amount <= Decimal("1.00")
    if Decimal("0.20") <= base <= Decimal("1.00"):
        assert amount == base


@given(base=st.integers(min_value=0, max_value=200000))
def test_it_takes_a_whole_number_base_like_the_same_decimal(base):
    assert dues_standard(DuesCategory.EMPLOYED, base) == dues_standard(
        DuesCategory.EMPLOYED, Decimal(base)
    )
