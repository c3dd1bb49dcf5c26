"""Laptops of one operation merging their data: through a PostgreSQL hub or a file.

The operations themselves, the clock that stamps them and the conflicts they leave are the
history's (``shelter_app.history``); sync moves them between laptops and applies them.

- ``merge``: applying received operations, field by field, whatever their order;
- ``settling``: a coordinator settling a conflict (``history.conflicts``);
- ``hub``: the PostgreSQL hub (its schema, push and pull, reports);
- ``sync_file``: the file carried on a USB stick;
- ``duplicates``: the same person (NIK) registered on two laptops, or at two places at once.
"""
