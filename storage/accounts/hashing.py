"""Password hashing with Argon2id, shared by the demo data and the web login.

One hasher for the whole project means a demo account's password works at
the login page, and parameters can be raised in one place later
(`needs_rehash` tells the login when to store a fresh hash).

Parameters: OWASP's Password Storage Cheat Sheet minimum for Argon2id
(19 MiB, 2 iterations, 1 lane). argon2-cffi's default (64 MiB, 3 iterations,
4 lanes) costs about 300 ms of CPU per hash on this 2-core machine, ten times
more, which turned every registration and login under load into a queue.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    """An Argon2id hash of `password`: a str of about 97 characters that holds its
    parameters and random salt ("$argon2id$v=19$m=19456,t=2,p=1$..."). Costs about
    30 ms of CPU and 19 MiB of memory per call, by design."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; False for a wrong password or an unreadable hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when `password_hash` was made with other parameters than `hash_password`'s
    (a login may then store a fresh hash of the password it just verified; none does
    yet). Raises argon2's InvalidHashError for a string that is no Argon2 hash."""
    return _hasher.check_needs_rehash(password_hash)
