"""The check every service makes: is the account signed in to this process allowed to do
this action (``domain.permissions``)? A refusal is a ``RuleViolation`` saying which role may."""

from __future__ import annotations

import functools

from shelter_app.domain.permissions import Actor, allowed, refusal
from shelter_app.history import records


def current() -> Actor | None:
    """The account signed in to this process, None before a sign-in."""
    return records.actor()


def can(action: str) -> bool:
    actor = records.actor()
    return actor is not None and allowed(actor.role, action)


def require(action: str) -> Actor:
    """The signed-in account, or a RuleViolation naming the roles that may do ``action``."""
    actor = records.actor()
    if actor is None or not allowed(actor.role, action):
        raise refusal(action, actor.role if actor else None)
    return actor


def requires(action: str):
    """A service function that only the roles of ``action`` may call."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            require(action)
            return func(*args, **kwargs)

        wrapper.permission = action
        return wrapper

    return decorate
