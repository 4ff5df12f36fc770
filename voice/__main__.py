"""Runs the command line as `python -m voice` and as the `acupressure` command."""

import sys


def run() -> int:
    """The command line, with Ctrl-C answered from the first moment on."""
    try:
        from voice.cli import main

        return main()
    except KeyboardInterrupt as interrupt:  # came while the program was still starting: nothing to clean up yet
        from voice.exits import exit_status

        return exit_status(interrupt)  # 143 for a SIGTERM that voice.exits turned into this, not 130


if __name__ == "__main__":
    sys.exit(run())
