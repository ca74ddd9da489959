"""``python -m sitewatch`` is the ``sitewatch`` command."""

import sys

from .cli import main

sys.exit(main())
