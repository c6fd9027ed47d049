"""Accounts: profile and language, password hashes, password reset tokens, ended sessions."""
