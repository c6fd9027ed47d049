"""The agents' queue: which dossiers of the types an agent handles wait, found fast.

`counts` reads the number of dossiers per (type, state), `listing` the pages of the
queue (names found through storage/dossiers/search_words.py). Everything here is read
by index ranges and kept counters, so a page costs the same with a thousand dossiers
or a million (bench/queue.py).
"""
