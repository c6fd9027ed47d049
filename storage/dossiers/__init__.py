"""The dossier lifecycle: create, number, save, submit, expire, link, register, audit.

A package of its own because a dossier's life is where the guide's rules meet the
database: one module per step, each short enough to read at once, and the engine
deciding while these modules read and write rows. The web layer calls the steps
through `storage`'s public package; `lifecycle` is where to start reading.
"""
