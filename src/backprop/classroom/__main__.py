"""``python -m backprop.classroom score SUBMISSIONS... --csv OUT``: see ``backprop.classroom._score``."""

import sys

from backprop.classroom._score import main

sys.exit(main())
