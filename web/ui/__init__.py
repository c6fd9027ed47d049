"""What every page shares: field views for the Jinja macros, full page or htmx fragment,
the site's links, safe redirects.

A package of its own so that the account pages, the dossier form and the inbox draw
questions with one set of macros and answer htmx the same way, without importing one
another's views.
"""
