"""``mistral``: the Mistral AI API from the command line (see ``mistral --help``).

A distribution of its own, so that the core an app embeds carries no command line. Its
startup imports argparse and nothing more of the client (:mod:`mistral_cli._app`).
"""

from ._app import main

__all__ = ["main"]
