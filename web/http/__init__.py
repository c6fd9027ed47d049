"""HTTP plumbing shared by every page: request ids and JSON logs, friendly error pages,
database faults, security headers, CSRF, the session cookie, attempt limits.

Kept apart from the page families because none of it is about one page: each module
has an `init_app` that create_app calls in a readable order, and whoever works on
security or operations finds it all here.
"""
