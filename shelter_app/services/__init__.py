"""Services: every read and every change the window, the CLI and the reports make.

Each changing function validates its input, runs in one transaction, records who and when
through ``history.records`` and raises ``RuleViolation`` for a broken rule.
"""
