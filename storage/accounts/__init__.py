"""Accounts: profile and language, password hashes, password reset tokens, ended sessions.

A package of its own because signing up, logging in and out, resetting a password
and editing the profile touch only these rows (Account, PasswordResetToken,
EndedSession), never a dossier's. The web layer reaches them through `storage`'s
public package (storage/__init__.py), never through these modules.
"""
