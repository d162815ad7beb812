"""Demo 四强党支部 and 党建品牌: filled in by the brands module."""

from datetime import date


def build_demo_brands(today: date) -> int:
    return 0
