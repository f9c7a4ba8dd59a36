"""What every `gmsd` command shares: the consoles, the `--home` option and a Dutch failure exit."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console

# Output that is not a terminal (a pipe, a file, a CI log) is not wrapped at 80 columns, so hints
# such as `uv run gmsd sql "..."` can be pasted whole.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("GMSD_BREEDTE", "200"))
console = Console(width=_WIDTH, soft_wrap=not sys.stdout.isatty())
err = Console(stderr=True, width=_WIDTH, soft_wrap=not sys.stderr.isatty())

HomeOption = Annotated[Optional[Path], typer.Option("--home", help="Thuismap (standaard $GMSD_HOME of var/).")]

RUN = "uv run gmsd"
"""How a user runs a command from a checkout; hints print it so they can be pasted."""


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a Dutch error (what is wrong, what to do) and exit with `code` (2: unusable input)."""
    err.print(f"[bold red]Fout:[/] {message}", highlight=False)
    raise typer.Exit(code)
