"""``python -m runlens sync``: the same commands as the ``runlens`` console script."""
import sys

from .sync import main

sys.exit(main())
