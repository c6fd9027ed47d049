"""Everything Pony-specific: the `Database` binding, the entities, transactions, row helpers.

The area packages (accounts, dossiers, inbox) query through these; nothing
outside `storage` ever sees a Pony object.
"""
