"""The window's dialogs, one package per feature: ``roster``, ``sites``, ``stock``,
``activities``, ``exchange`` (import, export, restore) and ``outbox``. They build on the form
kit (``ui.forms``) and the shared widgets (``ui.widgets``)."""
