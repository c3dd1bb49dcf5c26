"""Laptops of one operation merging their data: through a PostgreSQL hub or a file.

- ``clock``: this laptop's id and its hybrid logical clock;
- ``ops``: a change as an operation that travels (read from the history, written back);
- ``merge``: applying received operations, field by field, whatever their order;
- ``conflicts``: edits that lost to a concurrent edit, for a coordinator to review;
- ``hub``: the PostgreSQL hub (its schema, push and pull, reports);
- ``sync_file``: the file carried on a USB stick;
- ``duplicates``: the same person (NIK) registered on two laptops, or at two places at once.
"""
