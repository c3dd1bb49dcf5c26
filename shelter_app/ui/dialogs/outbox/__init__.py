"""The report outbox: what waits to be sent, where, and the last error."""
