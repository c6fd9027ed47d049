"""Applicant accounts: registration, login and login sessions, password reset, profile.

Blueprints `auth`, `password` and `profile` live in the modules of this package;
`login_session` keeps the signed-cookie session honest (renewal at login,
logout that sticks, idle timeout) and `current` says who is logged in.
"""
