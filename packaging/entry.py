"""Entry point of the packaged program (PyInstaller runs this file as __main__)."""

import sys

from aulalocal.cli import main

if __name__ == "__main__":
    sys.exit(main())
