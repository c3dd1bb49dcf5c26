import os

# Qt never needs a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
