"""The writes of the brands app: 四强党支部 (four_strong) and 党建品牌 (brands)."""
