"""Where the `gmsd` command starts: its libraries imported with the cycle collector paused, then
kept out of its passes for the command's life (`vocabulary.collector`), then the command itself.

Importing Dagster, pandas and pandera makes ~250,000 objects that live as long as the command; with
the collector on, it made four full passes over them during the import (0.45 s of every command's
1.7 s start, measured on this project's 2-core machine). `python -m gmsd` starts the same way;
`python -m gmsd.cli` still works, without the faster start (the collector runs as Python's default).
"""

from __future__ import annotations

from vocabulary.collector import freeze_for_life, paused


def main() -> None:
    with paused():
        from gmsd.cli import main as command

        freeze_for_life()
    command()


if __name__ == "__main__":
    main()
