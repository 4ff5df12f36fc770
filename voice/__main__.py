"""Runs the command line as `python -m voice`."""

from voice.cli import main

raise SystemExit(main())
