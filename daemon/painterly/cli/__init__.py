"""The `painterly` command line: `main` parses, `stylize` runs jobs from files, `daemon_commands` serves."""
