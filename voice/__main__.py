"""Runs the command line as `python -m voice` and as the `acupressure` command."""

import sys


def run() -> int:
    """The command line, with Ctrl-C answered from the first moment on."""
    try:
        from voice.cli import main

        return main()
    except KeyboardInterrupt:  # pressed while the program was still starting: nothing to clean up yet
        return 130


if __name__ == "__main__":
    sys.exit(run())
