"""Back-office agents: accounts, their two-factor login, and their audit trail."""
