"""`gmsd sql`, `gmsd export`, `gmsd serve`: reading what is published."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from dashboards.serve import serve as serve_site
from gmsd.console import RUN, HomeOption, console, fail
from indicators.export import export_published
from indicators.query import QueryError, run_query
from vocabulary.formatting import fmt_int, is_missing
from vocabulary.home import Home, get_home


def _warehouse(home: Path | None) -> Home:
    target = get_home(home)
    if not target.warehouse.exists():
        fail(f"er is nog geen warehouse in {target.root}. Draai eerst `{RUN} demo` of `{RUN} run`.")
    return target


def sql(
    query: Annotated[str, typer.Argument(help='SQL voor DuckDB, bijvoorbeeld "FROM publish.indicatoren LIMIT 5".')],
    home: HomeOption = None,
    max_rijen: Annotated[int, typer.Option("--max-rijen", help="Toon hoogstens zoveel rijen.")] = 50,
    csv: Annotated[bool, typer.Option("--csv", help="Schrijf het resultaat als CSV naar stdout.")] = False,
) -> None:
    """Bevraag het warehouse (alleen lezen): schema's publish, concept, audit en ref. Leeg = geen waarde (NULL)."""
    target = _warehouse(home)
    try:
        frame = run_query(target.warehouse, query)
    except QueryError as exc:
        fail(str(exc))
    if csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    table = Table(show_lines=False)
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.head(max_rijen).itertuples(index=False):
        table.add_row(*("" if is_missing(value) else str(value) for value in row))
    console.print(table)
    if len(frame) > max_rijen:
        console.print(f"{fmt_int(len(frame))} rijen, de eerste {max_rijen} getoond (--max-rijen of --csv voor meer).")


def export(
    home: HomeOption = None,
    formaat: Annotated[str, typer.Option("--formaat", help="parquet of csv.")] = "parquet",
    nl: Annotated[bool, typer.Option("--nl", help="CSV zoals Nederlandse Excel het verwacht: ; en decimaalkomma.")] = False,
    uit: Annotated[Optional[Path], typer.Option("--uit", help="Doelmap (standaard <thuismap>/export).")] = None,
) -> None:
    """Schrijf de gepubliceerde tabellen (schema publish) als Parquet of CSV."""
    target = _warehouse(home)
    try:
        files = export_published(target.warehouse, uit or target.root / "export", formaat=formaat, nederlands=nl)
    except ValueError as exc:
        fail(str(exc))
    for path in files:
        console.print(f"{path}  ({fmt_int(path.stat().st_size)} bytes)", highlight=False)


def serve(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Adres; standaard alleen deze computer.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort.")] = 8000,
) -> None:
    """Bekijk de site in de browser via een lokale webserver (Ctrl-C stopt)."""
    target = get_home(home)
    if not (target.site / "index.html").exists():
        fail(f"er is nog geen site in {target.site}. Draai eerst `{RUN} demo` of `{RUN} publish`.")
    serve_site(target.site, host=host, port=port)


def register(app: typer.Typer) -> None:
    app.command()(sql)
    app.command()(export)
    app.command()(serve)
