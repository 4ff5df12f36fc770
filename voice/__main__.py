"""Runs the command line as `python -m voice`."""

try:
    from voice.cli import main
except KeyboardInterrupt:  # Ctrl-C while the program is still starting: nothing to clean up yet
    raise SystemExit(130) from None

raise SystemExit(main())
