"""Mes dossiers: the list of an applicant's dossiers, creating one, linking an existing one.

The blueprint `dossiers` and its views live in `views`; `display` turns stored
dossiers into what the list and the dossier pages show.
"""
