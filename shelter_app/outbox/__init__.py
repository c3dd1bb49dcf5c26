"""The report outbox: generated reports wait in the database until every destination has them.

- ``queue``: reports queued with a delivery per destination, tried when due, with backoff;
  the outbox's settings;
- ``delivery``: the transports: a folder, e-mail (SMTP) and the sync hub.

It sits above ``sync``: the hub is one of its destinations.
"""
