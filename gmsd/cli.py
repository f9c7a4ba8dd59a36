"""The `gmsd` command: one Typer app; each command is a thin function in `gmsd/commands/`.

Commands parse options, call one function of a package below and print the result in Dutch; the
work itself (intake, releases, queries, the site) lives in the packages, where it is tested.
"""

from __future__ import annotations

import typer

from gmsd.commands import analysts, delivery, operator, portal, round

app = typer.Typer(help="Gemeentelijke Monitor Sociaal Domein: aanleveren, controleren, publiceren.", no_args_is_help=True)

for commands in (round, delivery, analysts, operator, portal):
    commands.register(app)

if __name__ == "__main__":
    app()
