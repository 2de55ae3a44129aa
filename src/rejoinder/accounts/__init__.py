"""Accounts, sign-in (publisher SSO and local accounts), access tokens and roles."""
