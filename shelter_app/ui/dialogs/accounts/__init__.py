"""Signing in, the first coordinator, the lock and the audit trail in the window."""
