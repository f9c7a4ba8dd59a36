"""The `gmsd` command: one Typer app; each command is a thin function in `gmsd/commands/`.

Commands parse options, call one function of a package below and print the result in Dutch; the
work itself (intake, releases, queries, the site) lives in the packages, where it is tested.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading

import typer

from gmsd.commands import analysts, delivery, operator, portal, round

app = typer.Typer(help="Gemeentelijke Monitor Sociaal Domein: aanleveren, controleren, publiceren.", no_args_is_help=True)

for commands in (round, delivery, analysts, operator, portal):
    commands.register(app)


def main() -> None:
    """Run the command, then end the process without tearing the interpreter down object by object.

    After a national round the heap holds millions of objects (Dagster's definitions, pandas,
    the site's data); freeing them one by one took 0.6 s of every command, and 2 s on a busy
    machine, after all work was done. Everything is written and closed by then: the exit
    handlers still run and the output is flushed. Should a non-daemon thread still run (none of
    the commands leaves one), or a profiler or debugger watch, the process ends the ordinary way.
    """
    try:
        app()
        code: int | str | None = 0
    except SystemExit as stop:
        code = stop.code
    if any(t is not threading.main_thread() and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    if sys.getprofile() is not None or sys.gettrace() is not None:  # a profiler or debugger writes its results at exit
        sys.exit(code)
    if isinstance(code, str):  # sys.exit("text"): the text on stderr, exit status 1
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader that went away (`| head`): nothing more to deliver
            pass
    os._exit(code or 0)


if __name__ == "__main__":
    main()
