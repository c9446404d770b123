"""``python -m mistral_cli``: the ``mistral`` command, where no script was installed."""

import sys

from mistral_cli import main

sys.exit(main())
