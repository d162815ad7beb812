# 模范机关创建管理平台 — two commands: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test install install-test lint migrate demo clean fuzz

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

migrate: install
	$(BIN)/mofan migrate --noinput

run: migrate
	$(BIN)/mofan demo --if-empty
	$(BIN)/mofan serve --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mofan makemigrations --check --dry-run
	@! grep -rnE '\.replace\((year|month)=' mofan --include='*.py' | grep -v '^mofan/core/dates.py:' \
		|| { echo "日期请用 mofan/core/dates.py（add_years / add_months），不要 replace(year=/month=)"; exit 1; }
	@! grep -rnE 'visible_q|get_object_or_404|\.objects\.' mofan --include='*views*.py' --include='*api*.py' | grep -v '/tests/' \
		|| { echo "页面和接口通过选择器（<对象>_get / <对象>_list(actor=…)）读取数据，不要直接查询模型或自行过滤范围"; exit 1; }

test: lint
	$(BIN)/pytest -n 2 --dist loadfile

# Before a release: the API fuzz test with thousands of requests (about 200 per operation and role).
fuzz: install-test
	MOFAN_FUZZ_EXAMPLES=200 $(BIN)/pytest -n 2 -p no:logging mofan/site/tests/test_api_fuzz.py

clean:
	rm -rf $(VENV) var
