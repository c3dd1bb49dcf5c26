"""History: the log of every change to a record, which is also what sync carries.

- ``records``: the one way a record changes (create, update, delete, bulk inserts), stamped
  with who and when, written to the history, undoable; the operator; transactions;
- ``clock``: this laptop's id and its hybrid logical clock, the stamp of every change;
- ``operations``: a history row as an operation that travels between laptops, and which
  operation's value each field holds;
- ``conflicts``: edits that lost to a concurrent edit of the same field, kept for review.

Built on ``storage`` and ``domain`` only: services record their changes here, and sync moves
the operations between laptops through it.
"""
