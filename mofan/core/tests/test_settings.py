"""Production mode refuses to start with the demo secret key or DEBUG on."""

import os
import subprocess
import sys

import pytest

from mofan.settings import BASE_DIR

SECRET = "a-real-secret-key-for-this-test-0123456789-abcdefghijklmnopqrstuvwxyz"


def start(tmp_path, **env):
    """Import the settings and set Django up in a fresh interpreter, as `mofan` would."""
    (tmp_path / "var").mkdir(exist_ok=True)  # a deployment's data directory exists
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MOFAN_") and key != "DJANGO_SETTINGS_MODULE"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="mofan.settings",
        MOFAN_DATA_DIR=str(tmp_path / "var"),
        MOFAN_STATIC_ROOT=str(tmp_path / "static"),
        PYTHONIOENCODING="utf-8",
        **env,
    )
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_it_refuses_production_with_the_demo_secret_key(tmp_path):
    result = start(tmp_path, MOFAN_ENV="production")
    assert result.returncode != 0
    assert "生产模式必须设置 MOFAN_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("debug", ["1", "true"])
def test_it_refuses_production_with_debug_on(tmp_path, debug):
    result = start(tmp_path, MOFAN_ENV="production", MOFAN_SECRET_KEY=SECRET, MOFAN_DEBUG=debug)
    assert result.returncode != 0
    assert "生产模式不能开启 MOFAN_DEBUG" in result.stderr


def test_it_starts_in_production_with_a_secret_key_and_no_debug(tmp_path):
    result = start(tmp_path, MOFAN_ENV="production", MOFAN_SECRET_KEY=SECRET)
    assert result.returncode == 0, result.stderr


def test_it_starts_the_demo_with_the_defaults(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 0, result.stderr


def test_the_deployment_check_is_clean_in_production(tmp_path):
    (tmp_path / "var").mkdir(exist_ok=True)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MOFAN_", "DJANGO_"))  # the browser tests allow async-unsafe
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="mofan.settings",
        MOFAN_ENV="production",
        MOFAN_SECRET_KEY=SECRET,
        MOFAN_FIELD_KEY="x" * 43 + "=",
        MOFAN_DATA_DIR=str(tmp_path / "var"),
        MOFAN_STATIC_ROOT=str(tmp_path / "static"),
        PYTHONIOENCODING="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "mofan.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
