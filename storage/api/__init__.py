"""What storage keeps for the JSON API alone (web/api): the answers of its
`Idempotency-Key`s (idempotency.py). Its tokens are an account's, in
storage/accounts/api_tokens.py."""

from storage.api.idempotency import (
    KEEP_FOR as IDEMPOTENCY_KEEP_FOR,
)
from storage.api.idempotency import (
    KEY_MAX as IDEMPOTENCY_KEY_MAX,
)
from storage.api.idempotency import (
    IdempotencyKeyReused,
    IdempotentAnswer,
    create_once,
    purge_idempotency,
    submit_once,
)

__all__ = ["IDEMPOTENCY_KEEP_FOR", "IDEMPOTENCY_KEY_MAX", "IdempotencyKeyReused",
           "IdempotentAnswer", "create_once", "purge_idempotency", "submit_once"]
