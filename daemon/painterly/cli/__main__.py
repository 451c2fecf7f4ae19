"""`python -m painterly.cli`: the same as the `painterly` console script."""

import sys

from painterly.cli.main import main

sys.exit(main())
