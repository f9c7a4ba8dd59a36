"""`gmsd demo`, `gmsd run`, `gmsd publish`: a delivery round from inbox to published figures."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from clearinghouse.ownership import Busy
from clearinghouse.pseudonym import PseudonymKeyError, ensure_demo_key, key_from_environment, use_key_file
from indicators.warehouse import round_figures
from pipelines.runner import Interrupted, PublishError, PublishSummary, RoundSummary, publish as publish_releases, run_and_publish, run_round
from vocabulary.formatting import fmt_decimal, fmt_int
from vocabulary.home import SAMPLE_DIR, Home, get_home
from vocabulary.reference import PC6_TABLE_GLOB

from gmsd.console import RUN, HomeOption, console, err, fail


def install_sample(home: Home, sample: Path) -> int:
    """Copy the sample deliveries and the sample postcode table into the home folder."""
    if not (sample / "inbox").is_dir():
        fail(f"Geen voorbeeldaanleveringen gevonden in {sample / 'inbox'}. Maak ze met `{RUN} generate`.")
    shutil.copytree(sample / "inbox", home.inbox, dirs_exist_ok=True)
    home.reference.mkdir(parents=True, exist_ok=True)
    for table in (sample / "geo").glob(PC6_TABLE_GLOB):
        shutil.copy2(table, home.reference / table.name)
    return sum(1 for _ in (sample / "inbox").glob("*/*/manifest.*"))


def print_round(home: Home, summary: RoundSummary, publish_seconds: float | None = None) -> None:
    if not home.warehouse.exists():
        return
    figures = round_figures(home.warehouse)
    table = Table(title="Aanleveringen (laatste per gemeente, periode en domein)")
    for column in ("oordeel", "bestanden", "regels gelezen", "regels gebruikt"):
        table.add_column(column)
    for oordeel, bestanden, gelezen, gebruikt in figures.verdicts:
        table.add_row(oordeel, fmt_int(bestanden), fmt_int(gelezen), fmt_int(gebruikt))
    console.print(table)
    console.print(
        f"Gemeenten gepubliceerd: [bold]{figures.gemeenten_published}[/] van {figures.gemeenten_delivered} die aanleverden; "
        f"periodes: {', '.join(figures.periodes) or 'nog geen'}; {fmt_int(figures.cells)} cijfers, waarvan {fmt_int(figures.secret)} geheim (.)."
    )
    left = sum(1 for p in home.inbox.rglob("*") if p.is_file())
    console.print(f"Ruwe aanleveringen: {fmt_int(figures.deleted)} bestanden verwijderd na verwerking (audit.verwijderingen); {fmt_int(left)} staan nog in de inbox.")
    console.print(
        f"Verwerking: {fmt_decimal(summary.seconds_intake)} s voor {summary.partitions} aanleveringen, "
        f"{fmt_decimal(summary.seconds_publish)} s voor de conceptcijfers en hun controles"
        + (f", {fmt_decimal(publish_seconds)} s voor release, warehouse en site." if publish_seconds is not None else " en het warehouse.")
    )
    console.print(f"Warehouse: [cyan]{home.warehouse}[/]  (bekijk met: {RUN} sql \"FROM publish.indicatoren LIMIT 5\")", highlight=False)
    if (home.site / "index.html").is_file():
        console.print(f"Site:      [cyan]{home.site / 'index.html'}[/]  (of: {RUN} serve)", highlight=False)
    else:
        console.print(f"Site:      nog niet gepubliceerd (maak een release met `{RUN} publish`)", highlight=False)
    console.print(f"Rapporten: [cyan]{home.reports / 'index.html'}[/] (beheerpagina met alle aanleveringen en hun rapporten)", highlight=False)


@contextmanager
def _said_in_dutch() -> Iterator[None]:
    """The runner's refusals and interruptions as one Dutch line and the command's exit status."""
    try:
        yield
    except Busy as exc:
        fail(str(exc), 1)
    except PublishError as exc:
        fail(str(exc), 2 if exc.refused else 1)
    except Interrupted as exc:
        fail(str(exc), 130)


def _publish(home: Home, periodes: list[str] | None, *, definitief: bool = False) -> None:
    with _said_in_dutch():
        summary = publish_releases(home, periodes, definitief=definitief)
    print_publication(summary)


def print_publication(summary: PublishSummary) -> None:
    if not (summary.closed or summary.served_again or summary.unchanged or summary.made):
        console.print("Er zijn nog geen conceptcijfers, dus er is niets te publiceren.")
    for periode in summary.closed:
        console.print(f"Periode {periode} is al definitief gepubliceerd; er komt geen nieuwe release.")
    for release_id in summary.served_again:
        console.print(f"Release {release_id} was al vastgelegd maar nog niet gepubliceerd (onderbroken); nu gepubliceerd.")
    if summary.unchanged:
        console.print(f"Ongewijzigd sinds de laatste release, dus geen nieuwe release: {', '.join(summary.unchanged)}.")
    for release in summary.made:
        console.print(
            f"Release [bold]{release.release_id}[/] ({release.status}): {fmt_int(release.cijfers)} cijfers, "
            f"{fmt_int(release.herzien)} herzien ten opzichte van de vorige release."
        )


def _round_and_publish(home: Home, *, changed_only: bool) -> tuple[RoundSummary, PublishSummary | None]:
    with _said_in_dutch():
        return run_and_publish(home, changed_only=changed_only)


def _round(home: Home) -> RoundSummary:
    with _said_in_dutch():
        return run_round(home)


def demo(
    home: HomeOption = None,
    opnieuw: Annotated[bool, typer.Option("--opnieuw", help="Begin met een lege thuismap.")] = False,
    voorbeeld: Annotated[Path, typer.Option(help="Map met voorbeeldaanleveringen.")] = SAMPLE_DIR,
) -> None:
    """Verwerk de voorbeeldaanleveringen van begin tot eind: inbox → clearinghouse → warehouse → site."""
    target = get_home(home)
    if opnieuw and target.root.exists():
        shutil.rmtree(target.root)
    target.ensure()
    count = install_sample(target, voorbeeld)
    console.print(f"Thuismap: [cyan]{target.root}[/]; {count} voorbeeldaanleveringen in de inbox gezet.")
    demo_key = ensure_demo_key(target.demo_key_file)
    if demo_key:
        console.print(
            f"[yellow]Demo-sleutel gebruikt ({demo_key}).[/] Alleen voor synthetische gegevens; gebruik voor echte gegevens "
            f"`{RUN} key new` en GMSD_PSEUDONYM_KEY_FILE."
        )
    summary, publication = _round_and_publish(target, changed_only=False)
    if summary.failed_partitions:
        err.print(f"[red]Niet verwerkt:[/] {', '.join(summary.failed_partitions)}")
    if not summary.published:
        print_round(target, summary)
        fail(f"verwerken is mislukt: {summary.error}. De vorige versie van warehouse en site blijft staan.", 1)
    if publication is not None:
        print_publication(publication)
    print_round(target, summary, publication.seconds if publication is not None else None)
    if publication is None:
        fail(f"niet alles is verwerkt, dus niets gepubliceerd: {', '.join(summary.failed_partitions)}. "
             "Zie de rapporten (reports/index.html), los de oorzaak op en draai de opdracht opnieuw.", 1)


def run(
    home: HomeOption = None,
    publiceer: Annotated[bool, typer.Option(
        "--publiceer",
        help="Publiceer daarna meteen (als alle controles slagen): een release van elke periode waarvan de conceptcijfers "
        "veranderden, en warehouse en site. Wat `gmsd run` plus `gmsd publish` doet, in één keer.",
    )] = False,
) -> None:
    """Verwerk alle aanleveringen in de inbox tot conceptcijfers (vereist een echte sleutel); publiceer met `gmsd publish` of `--publiceer`."""
    target = get_home(home).ensure()
    try:
        if key_from_environment() is None:
            fail(f"geen pseudonimiseringssleutel. Zet GMSD_PSEUDONYM_KEY_FILE (maak een sleutel met `{RUN} key new`).")
    except PseudonymKeyError as exc:
        fail(str(exc))
    if not publiceer:
        summary = _round(target)
        print_round(target, summary)
        if not summary.published or summary.failed_partitions:
            fail(f"niet alles is verwerkt: {summary.error or ', '.join(summary.failed_partitions)}", 1)
        return
    summary, publication = _round_and_publish(target, changed_only=True)
    if publication is not None:
        print_publication(publication)
    print_round(target, summary, publication.seconds if publication is not None else None)
    if not summary.published or summary.failed_partitions:
        fail(f"niet alles is verwerkt, dus niets gepubliceerd: {summary.error or ', '.join(summary.failed_partitions)}. "
             "Zie de rapporten (reports/index.html) en de kwaliteitscontrole (kwaliteit/index.html) in de thuismap, los de oorzaak op en draai `gmsd run --publiceer` opnieuw.", 1)


def publish(
    periode: Annotated[Optional[list[str]], typer.Option("--periode", help="Periode (2025-H1) of jaar (2025); herhaalbaar. Standaard: alle.")] = None,
    definitief: Annotated[bool, typer.Option("--definitief", help="Markeer als definitief (daarna geen herziening meer).")] = False,
    home: HomeOption = None,
) -> None:
    """Maak een onveranderlijke release van de conceptcijfers en publiceer warehouse en site."""
    target = get_home(home)
    try:
        if key_from_environment() is None:
            if not target.demo_key_file.exists():
                fail("geen pseudonimiseringssleutel. Zet GMSD_PSEUDONYM_KEY_FILE (dezelfde sleutel als bij de verwerking).")
            use_key_file(target.demo_key_file)
    except PseudonymKeyError as exc:
        fail(str(exc))
    _publish(target, periode, definitief=definitief)
    console.print(f"Site: [cyan]{target.site / 'index.html'}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(demo)
    app.command()(run)
    app.command()(publish)
