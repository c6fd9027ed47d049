"""HTTP plumbing shared by every page: request ids and JSON logs, friendly error pages,
database faults, security headers, CSRF, the session cookie, attempt limits."""
