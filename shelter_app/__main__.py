"""``python -m shelter_app`` and the frozen app's entry point."""

import sys

from shelter_app.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
