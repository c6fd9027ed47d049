"""web/memo.py: the bounded memo behind verified session cookies and CSRF signatures."""

from __future__ import annotations

from web.memo import Memo


def test_memo__past_its_size__oldest_forgotten_newest_kept():
    memo: Memo[str, int] = Memo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # read: does not make "a" the newest
    memo.put("c", 3)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (None, 2, 3)
    memo.put("c", 30)  # a new value for a kept key forgets nothing else
    assert (memo.get("b"), memo.get("c")) == (2, 30)
