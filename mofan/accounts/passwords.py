"""First passwords for accounts created in bulk: random, readable on paper, hashed lightly."""

import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher

# No 0/O, 1/l/I: the secretary hands these out on paper.
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
LOWER = "abcdefghijkmnpqrstuvwxyz"
DIGITS = "23456789"
FIRST_PASSWORD_LENGTH = 10
# A first password is random (about 57 bits) and replaced at the first login, so a lighter
# work factor is safe: 50 accounts take a second, not 15. Django re-hashes it at full
# strength when it is next checked (PBKDF2PasswordHasher.must_update).
FIRST_PASSWORD_ITERATIONS = 30_000


def generate_first_password() -> str:
    """Upper, lower and digits, one of each at least, so it passes the password validators."""
    alphabet = UPPER + LOWER + DIGITS
    chars = [secrets.choice(UPPER), secrets.choice(LOWER), secrets.choice(DIGITS)]
    chars += [secrets.choice(alphabet) for _ in range(FIRST_PASSWORD_LENGTH - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def first_password_hash(password: str) -> str:
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=FIRST_PASSWORD_ITERATIONS)
    return hasher.encode(password, hasher.salt())
