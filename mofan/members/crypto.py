"""Encryption at rest of sensitive fields (公民身份号码), with a key from the environment.

MOFAN_FIELD_KEY holds a Fernet key. Outside production, when it is not set, a key is generated
once into MOFAN_FIELD_KEY_FILE (default ~/.config/mofan/field.key, outside the repository).
Uniqueness is checked on a keyed hash (HMAC-SHA256) so the plain number is never stored.
"""

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _key_file() -> Path:
    return Path(
        os.environ.get("MOFAN_FIELD_KEY_FILE", Path.home() / ".config" / "mofan" / "field.key")
    )


@lru_cache(maxsize=1)
def field_key() -> bytes:
    key = os.environ.get("MOFAN_FIELD_KEY", "").strip()
    if key:
        return key.encode()
    if settings.PRODUCTION:
        raise ImproperlyConfigured("生产模式必须设置 MOFAN_FIELD_KEY（敏感字段加密密钥）")
    path = _key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()


def encrypt(plain: str) -> str:
    return Fernet(field_key()).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return Fernet(field_key()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("无法解密：MOFAN_FIELD_KEY 与加密时的密钥不一致") from exc


def keyed_hash(plain: str) -> str:
    return hmac.new(field_key(), b"id-number:" + plain.encode(), hashlib.sha256).hexdigest()
