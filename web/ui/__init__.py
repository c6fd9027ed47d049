"""What every page shares: field views for the Jinja macros, full page or htmx fragment,
the site's links, safe redirects."""
