"""`gmsd check` and `gmsd generate`: what a gemeente checks before delivering, and synthetic deliveries."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from clearinghouse.intake import check_file
from clearinghouse.normalise import canonical_gemeentecode_text
from clearinghouse.reports import shows_melding, what_now, write_report
from gmsd.console import RUN, console, fail
from gmsd.synth import DEFAULT_SEED, Destination
from gmsd.synth import generate as generate_deliveries
from vocabulary.domeinen import DOMEINEN, from_file_name
from vocabulary.home import get_home
from vocabulary.oordelen import oordeel
from vocabulary.periode import Periode, PeriodeError


def check(
    bestand: Annotated[Path, typer.Argument(help="Het aan te leveren bestand (CSV, XLSX of Parquet).")],
    gemeente: Annotated[str, typer.Option("--gemeente", help="Uw gemeentecode, bijvoorbeeld GM0363.")],
    periode: Annotated[str, typer.Option("--periode", help="Periode, bijvoorbeeld 2025-H1.")],
    domein: Annotated[Optional[str], typer.Option("--domein", help="jeugd, wmo of participatie (standaard: uit de bestandsnaam).")] = None,
    rapport: Annotated[Optional[Path], typer.Option("--rapport", help="Waar het rapport komt (zonder extensie).")] = None,
) -> None:
    """Controleer een bestand vóór aanlevering, lokaal: geen sleutel en geen warehouse nodig.

    Schrijft een rapport (HTML voor mensen, CSV voor systemen) naast het bestand.
    Exitcode 0 = goedgekeurd, 1 = goedgekeurd met afwijkingen, 2 = afgekeurd.
    """
    if bestand.is_dir():
        fail(f"{bestand} is een map; geef één bestand op (CSV, XLSX of Parquet).")
    if not bestand.is_file():
        fail(f"{bestand} bestaat niet.")
    code = canonical_gemeentecode_text(gemeente)
    if code is None:
        fail(f"'{gemeente}' is geen gemeentecode; gebruik bijvoorbeeld GM0363.")
    try:
        parsed = Periode.halfjaar(periode)
    except PeriodeError as exc:
        fail(str(exc))
    domein = (domein or from_file_name(bestand.name) or "").lower()
    if domein not in DOMEINEN:
        fail("geef het domein op met --domein jeugd, wmo of participatie (het staat niet eenduidig in de bestandsnaam).")
    outcome = check_file(bestand, domein=domein, gemeente_code=code, periode=parsed, key=None, geography=None)
    base = rapport or bestand.with_name(bestand.stem + ".rapport")
    html = write_report(outcome, gemeente_code=code, periode=parsed.code, base=base)
    verdict = oordeel(outcome.oordeel)
    colour = {"goedgekeurd": "green", "afgekeurd": "red"}.get(verdict.css, "yellow")
    # The same sentence as the first line of the HTML and CSV reports: the three always agree.
    console.print(f"[bold {colour}]{outcome.samenvatting()}[/]", highlight=False)
    if shows_melding(outcome):
        console.print(outcome.melding, highlight=False)
    console.print("Wat nu?", style="bold")
    for step in what_now(outcome):
        console.print(f"- {step}", highlight=False)
    console.print(f"Rapport: {html} (en {html.with_suffix('.csv').name})", highlight=False)
    raise typer.Exit(verdict.exitcode)


def generate(
    uit: Annotated[Optional[Path], typer.Option("--uit", help="Doelmap: <map>/inbox en <map>/geo (data/sample alleen als u dat uitdrukkelijk opgeeft).")] = None,
    home: Annotated[Optional[Path], typer.Option("--home", help="Thuismap: aanleveringen in <thuismap>/inbox, adressen erbij in de postcodetabel in <thuismap>/reference.")] = None,
    landelijk: Annotated[bool, typer.Option("--landelijk", help="Alle 342 gemeenten op hun echte wijken en inwonertallen.")] = False,
    gemeente: Annotated[Optional[list[str]], typer.Option("--gemeente", help="GM-code; herhaal voor meer. Standaard: de 15 van het voorbeeld.")] = None,
    periode: Annotated[Optional[list[str]], typer.Option("--periode", help="Periode zoals 2025-H1; herhaal voor meer. Standaard: 2024-H2 en 2025-H1.")] = None,
    seed: Annotated[int, typer.Option(help="Startwaarde van de toevalsgenerator (cliënten; adressen liggen per gemeente vast).")] = DEFAULT_SEED,
    schaal: Annotated[float, typer.Option(help="Vermenigvuldigt het aantal cliënten (benchmarks).")] = 1.0,
    formaat: Annotated[str, typer.Option(help="gemengd, csv of parquet.")] = "gemengd",
    processen: Annotated[Optional[int], typer.Option("--processen", min=1, help="Aantal processen (standaard: aantal kernen); de bestanden zijn hetzelfde.")] = None,
) -> None:
    """Maak synthetische aanleveringen (nep-BSN's, echte gemeenten en wijken).

    Met --home komen ze direct in de inbox van een thuismap, klaar voor `gmsd run --home`; een latere aanroep voor één gemeente (bijvoorbeeld --gemeente GM0034 --seed 7 --periode 2026-H1) is een heraanlevering.
    """
    if (uit is None) == (home is None):
        fail("geef precies één bestemming op: --uit MAP (een losse map) of --home THUISMAP (direct in de inbox).")
    kwargs = {"seed": seed, "schaal": schaal, "formaat": formaat, "landelijk": landelijk, "processes": processen}
    if gemeente:
        codes = [canonical_gemeentecode_text(g) for g in gemeente]
        if None in codes:
            fail(f"geen gemeentecode: {', '.join(g for g, c in zip(gemeente, codes) if c is None)}; gebruik bijvoorbeeld GM0363.")
        kwargs["gemeenten"] = codes
    if periode:
        kwargs["periodes"] = periode
    destination = Destination.folder(uit) if uit is not None else Destination.home(get_home(home))
    try:
        summary = generate_deliveries(destination, **kwargs)
    except ValueError as exc:
        fail(str(exc))
    console.print(str(summary), highlight=False)
    if home is not None:
        console.print(f"Verwerk ze met: {RUN} run --home {get_home(home).root}", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(check)
    app.command()(generate)
