"""The `gmsd` command: demo, generate, run, check, sql, key.

Heavy modules (Dagster, pandas) are imported inside the commands, so `gmsd --help` is instant.
Messages are in Dutch: the people who run this are Dutch operators and data officers.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from vocabulary.home import SAMPLE_DIR, Home, get_home

app = typer.Typer(help="Gemeentelijke Monitor Sociaal Domein: aanleveren, controleren, publiceren.", no_args_is_help=True)
key_app = typer.Typer(help="Beheer van de pseudonimiseringssleutel.", no_args_is_help=True)
app.add_typer(key_app, name="key")
console = Console()
err = Console(stderr=True)

HomeOption = Annotated[Optional[Path], typer.Option("--home", help="Thuismap (standaard $GMSD_HOME of var/).")]


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]Fout:[/] {message}")
    raise typer.Exit(code)


def _install_sample(home: Home, sample: Path) -> int:
    """Copy the sample deliveries and the sample postcode table into the home folder."""
    if not (sample / "inbox").is_dir():
        _fail(f"Geen voorbeeldaanleveringen gevonden in {sample / 'inbox'}. Maak ze met `gmsd generate`.")
    shutil.copytree(sample / "inbox", home.inbox, dirs_exist_ok=True)
    reference = home.root / "reference"
    reference.mkdir(parents=True, exist_ok=True)
    for table in (sample / "geo").glob("pc6hnr*_gwb.csv"):
        shutil.copy2(table, reference / table.name)
    return sum(1 for _ in (sample / "inbox").glob("*/*/manifest.*"))


def _ensure_demo_key(home: Home) -> str | None:
    """The operator's key if set, else (once) a demo key in the home folder; see clearinghouse.pseudonym."""
    from clearinghouse.pseudonym import ensure_demo_key

    return ensure_demo_key(home.demo_key_file)


def _nl(number: int) -> str:
    """Dutch thousands separator: 12.345."""
    return f"{number:,}".replace(",", ".")


def _print_round(home: Home, summary) -> None:
    import duckdb
    from rich.table import Table

    if not home.warehouse.exists():
        return
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        latest = con.execute(
            """SELECT oordeel, count(*) AS bestanden, sum(rijen_gelezen) AS gelezen, sum(rijen_geaccepteerd) AS geaccepteerd
               FROM (SELECT * FROM audit.leveringen
                     QUALIFY row_number() OVER (PARTITION BY gemeente_code, periode, coalesce(domein, bestand) ORDER BY verwerkt_op DESC) = 1)
               GROUP BY oordeel ORDER BY oordeel"""
        ).fetchall()
        gemeenten = con.execute("SELECT count(DISTINCT gemeente_code) FROM publish.indicatoren").fetchone()[0]
        periodes = [row[0] for row in con.execute("SELECT DISTINCT periode FROM publish.indicatoren ORDER BY 1").fetchall()]
        cells = con.execute("SELECT count(*), count(*) FILTER (WHERE geheim) FROM publish.indicatoren").fetchone()
        delivered = con.execute("SELECT count(DISTINCT gemeente_code) FROM audit.leveringen").fetchone()[0]
        deleted = con.execute("SELECT count(*) FROM audit.verwijderingen").fetchone()[0]
    table = Table(title="Aanleveringen (laatste per gemeente, periode en domein)")
    for column in ("oordeel", "bestanden", "regels gelezen", "regels gebruikt"):
        table.add_column(column)
    for row in latest:
        table.add_row(*(_nl(value) if isinstance(value, int) else str(value) for value in row))
    console.print(table)
    console.print(
        f"Gemeenten gepubliceerd: [bold]{gemeenten}[/] van {delivered} die aanleverden; periodes: {', '.join(periodes)}; "
        f"{_nl(cells[0])} cijfers, waarvan {_nl(cells[1])} geheim (.)."
    )
    left = sum(1 for p in home.inbox.rglob("*") if p.is_file())
    console.print(f"Ruwe aanleveringen: {_nl(deleted)} bestanden verwijderd na verwerking (audit.verwijderingen); {_nl(left)} staan nog in de inbox.")
    seconds = f"{summary.seconds_intake:.1f} s voor {summary.partitions} aanleveringen, {summary.seconds_publish:.1f} s voor warehouse en site"
    console.print(f"Verwerking: {seconds.replace('.', ',')}.")
    console.print(f"Warehouse: [cyan]{home.warehouse}[/]  (bekijk met: gmsd sql \"FROM publish.indicatoren LIMIT 5\")")
    console.print(f"Site:      [cyan]{home.site / 'index.html'}[/]")
    console.print(f"Rapporten: [cyan]{home.reports / 'index.html'}[/] (beheerpagina met alle aanleveringen en hun rapporten)")


@app.command()
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
    count = _install_sample(target, voorbeeld)
    console.print(f"Thuismap: [cyan]{target.root}[/]; {count} voorbeeldaanleveringen in de inbox gezet.")
    demo_key = _ensure_demo_key(target)
    if demo_key:
        console.print(f"[yellow]Demo-sleutel gebruikt ({demo_key}).[/] Alleen voor synthetische gegevens; gebruik voor echte gegevens `gmsd key new` en GMSD_PSEUDONYM_KEY_FILE.")
    from pipelines.runner import run_round

    summary = run_round(target)
    if summary.failed_partitions:
        err.print(f"[red]Niet verwerkt:[/] {', '.join(summary.failed_partitions)}")
    if not summary.published:
        _print_round(target, summary)
        _fail(f"verwerken is mislukt: {summary.error}. De vorige versie van warehouse en site blijft staan.", 1)
    _publish(target, None)
    _print_round(target, summary)


def _publish(target: Home, periodes: list[str] | None, *, definitief: bool = False) -> list:
    """Freeze releases for `periodes`, then rebuild warehouse and site.

    Without `periodes`: every concept periode that is not yet definitively published (those are
    closed and skipped, with a message). If the rebuild fails, the new releases are withdrawn: the
    previous release stays served.
    """
    from indicators.releases import DEFINITIEF, ReleaseError, list_releases, publish_release, withdraw
    from indicators.warehouse import read_concept
    from pipelines.runner import run_round

    if not target.warehouse.exists():
        _fail(f"er is nog geen warehouse in {target.root}. Verwerk eerst aanleveringen (`gmsd run` of `gmsd demo`).")
    concept = read_concept(target.warehouse)
    chosen = periodes
    if not chosen:
        history = list_releases(target.releases)
        closed = set(history.loc[history["status"] == DEFINITIEF, "periode"])
        chosen = [p for p in sorted(set(concept["periode"])) if p not in closed]
        for periode in sorted(closed & set(concept["periode"])):
            console.print(f"Periode {periode} is al definitief gepubliceerd; er komt geen nieuwe release.")
        if not chosen:
            return []
    made = []
    try:
        for periode in chosen:
            made.append(publish_release(concept, target.releases, periode, definitief=definitief))
    except ReleaseError as exc:
        for release in made:
            withdraw(release)
        _fail(str(exc))
    summary = run_round(target, deliveries=[])
    if not summary.published:
        for release in made:
            withdraw(release)
        _fail(f"publiceren is mislukt: {summary.error}. De releases zijn ingetrokken; de vorige publicatie blijft staan.", 1)
    for release in made:
        console.print(
            f"Release [bold]{release.release_id}[/] ({release.status}): {_nl(release.cijfers)} cijfers, "
            f"{_nl(release.herzien)} herzien ten opzichte van de vorige release."
        )
    return made


@app.command()
def publish(
    periode: Annotated[Optional[list[str]], typer.Option("--periode", help="Periode (2025-H1) of jaar (2025); herhaalbaar. Standaard: alle.")] = None,
    definitief: Annotated[bool, typer.Option("--definitief", help="Markeer als definitief (daarna geen herziening meer).")] = False,
    home: HomeOption = None,
) -> None:
    """Maak een onveranderlijke release van de conceptcijfers en publiceer warehouse en site."""
    from clearinghouse.pseudonym import PseudonymKeyError, key_from_environment

    target = get_home(home)
    try:
        if key_from_environment() is None and not target.demo_key_file.exists():
            _fail("geen pseudonimiseringssleutel. Zet GMSD_PSEUDONYM_KEY_FILE (dezelfde sleutel als bij de verwerking).")
    except PseudonymKeyError as exc:
        _fail(str(exc))
    if key_from_environment() is None:
        os.environ["GMSD_PSEUDONYM_KEY_FILE"] = str(target.demo_key_file)
    _publish(target, periode, definitief=definitief)
    console.print(f"Site: [cyan]{target.site / 'index.html'}[/]")


@app.command()
def run(home: HomeOption = None) -> None:
    """Verwerk alle aanleveringen in de inbox tot conceptcijfers (vereist een echte sleutel); publiceer met `gmsd publish`."""
    from clearinghouse.pseudonym import PseudonymKeyError, key_from_environment

    target = get_home(home).ensure()
    try:
        if key_from_environment() is None:
            _fail("geen pseudonimiseringssleutel. Zet GMSD_PSEUDONYM_KEY_FILE (maak een sleutel met `gmsd key new`).")
    except PseudonymKeyError as exc:
        _fail(str(exc))
    from pipelines.runner import run_round

    summary = run_round(target)
    _print_round(target, summary)
    if not summary.published or summary.failed_partitions:
        _fail(f"niet alles is verwerkt: {summary.error or ', '.join(summary.failed_partitions)}", 1)


@app.command()
def generate(
    uit: Annotated[Path, typer.Option("--uit", help="Doelmap.")] = SAMPLE_DIR,
    gemeente: Annotated[Optional[list[str]], typer.Option("--gemeente", help="GM-code; herhaal voor meer. Standaard: alle 15.")] = None,
    periode: Annotated[Optional[list[str]], typer.Option("--periode", help="Periode zoals 2025-H1; herhaal voor meer.")] = None,
    seed: Annotated[int, typer.Option(help="Startwaarde van de toevalsgenerator.")] = 20250701,
    schaal: Annotated[float, typer.Option(help="Vermenigvuldigt het aantal cliënten (benchmarks).")] = 1.0,
    formaat: Annotated[str, typer.Option(help="gemengd, csv of parquet.")] = "gemengd",
) -> None:
    """Maak synthetische aanleveringen (nep-BSN's, echte gemeenten en wijken)."""
    from gmsd.synth import generate as generate_data

    kwargs = {"seed": seed, "schaal": schaal, "formaat": formaat}
    if gemeente:
        kwargs["gemeenten"] = [g.upper() if g.upper().startswith("GM") else "GM" + g.zfill(4) for g in gemeente]
    if periode:
        kwargs["periodes"] = periode
    try:
        summary = generate_data(uit, **kwargs)
    except ValueError as exc:
        _fail(str(exc))
    console.print(str(summary), highlight=False)


EXIT_CODES = {"goedgekeurd": 0, "goedgekeurd met afwijkingen": 1, "afgekeurd": 2}


def _domein_from_name(name: str) -> str | None:
    from vocabulary.codes import DOMEINEN

    found = [d for d in DOMEINEN if d in name.lower()]
    return found[0] if len(found) == 1 else None


@app.command()
def check(
    bestand: Annotated[Path, typer.Argument(help="Het aan te leveren bestand (CSV, XLSX of Parquet).")],
    gemeente: Annotated[str, typer.Option("--gemeente", help="Uw gemeentecode, bijvoorbeeld GM0363.")],
    periode: Annotated[str, typer.Option("--periode", help="Periode, bijvoorbeeld 2025-H1.")],
    domein: Annotated[Optional[str], typer.Option("--domein", help="jeugd, wmo of participatie (standaard: uit de bestandsnaam).")] = None,
    rapport: Annotated[Optional[Path], typer.Option("--report", "--rapport", help="Waar het rapport komt (zonder extensie).")] = None,
) -> None:
    """Controleer een bestand vóór aanlevering, lokaal: geen sleutel en geen warehouse nodig.

    Exitcode 0 = goedgekeurd, 1 = goedgekeurd met afwijkingen, 2 = afgekeurd.
    """
    import pandas as pd

    from clearinghouse.intake import check_file
    from clearinghouse.normalise import canonical_gemeentecode
    from vocabulary.periode import Periode
    from clearinghouse.reports import write_report
    from vocabulary.codes import DOMEINEN

    if not bestand.is_file():
        _fail(f"{bestand} bestaat niet.")
    code = canonical_gemeentecode(pd.Series([gemeente])).iloc[0]
    if not isinstance(code, str) or not code.startswith("GM") or len(code) != 6:
        _fail(f"'{gemeente}' is geen gemeentecode; gebruik bijvoorbeeld GM0363.")
    try:
        parsed = Periode.parse(periode)
    except ValueError as exc:
        _fail(str(exc))
    domein = (domein or _domein_from_name(bestand.name) or "").lower()
    if domein not in DOMEINEN:
        _fail("geef het domein op met --domein jeugd, wmo of participatie (het staat niet eenduidig in de bestandsnaam).")
    outcome = check_file(bestand, domein=domein, gemeente_code=code, periode=parsed, key=None, geography=None)
    base = rapport or bestand.with_name(bestand.stem + ".rapport")
    html = write_report(outcome, gemeente_code=code, periode=parsed.code, base=base)
    colour = {"goedgekeurd": "green", "afgekeurd": "red"}.get(outcome.oordeel, "yellow")
    console.print(f"[bold {colour}]Bestand {outcome.oordeel}[/]: {outcome.rijen_gelezen} regels gelezen, {outcome.rijen_geaccepteerd} bruikbaar, {outcome.rijen_afgekeurd} afgekeurd.")
    if outcome.melding:
        console.print(outcome.melding)
    console.print(f"Rapport: {html} (en .csv)")
    raise typer.Exit(EXIT_CODES[outcome.oordeel])


@app.command()
def purge(
    home: HomeOption = None,
    retentie_dagen: Annotated[Optional[int], typer.Option("--retentie-dagen", help="Bewaartermijn in dagen (standaard $GMSD_RETENTIE_DAGEN of 0).")] = None,
) -> None:
    """Verwijder verwerkte ruwe aanleveringen waarvan de bewaartermijn voorbij is, en leg dat vast."""
    from clearinghouse.retention import RetentionError, purge as purge_raw, retention_days_from_environment

    target = get_home(home).ensure()
    try:
        days = retention_days_from_environment() if retentie_dagen is None else retentie_dagen
    except RetentionError as exc:
        _fail(str(exc))
    if days < 0:
        _fail("de bewaartermijn mag niet negatief zijn.")
    summary = purge_raw(target.inbox, target.intake, target.deletions, retention_days=days)
    console.print(
        f"{len(summary.deleted)} ruwe bestanden verwijderd (vastgelegd in {target.deletions}); "
        f"{len(summary.kept_retention)} bewaard binnen de termijn van {days} dagen; "
        f"{len(summary.kept_unprocessed)} nog niet verwerkt (blijven staan)."
    )
    for path in summary.kept_unprocessed[:20]:
        console.print(f"  nog niet verwerkt: {path.relative_to(target.inbox)}")


@app.command()
def export(
    home: HomeOption = None,
    formaat: Annotated[str, typer.Option("--formaat", help="parquet of csv.")] = "parquet",
    nl: Annotated[bool, typer.Option("--nl", help="CSV zoals Nederlandse Excel het verwacht: ; en decimaalkomma.")] = False,
    uit: Annotated[Optional[Path], typer.Option("--uit", help="Doelmap (standaard <thuismap>/export).")] = None,
) -> None:
    """Schrijf de gepubliceerde tabellen (schema publish) als Parquet of CSV."""
    from indicators.export import export_published

    target = get_home(home)
    if not target.warehouse.exists():
        _fail(f"er is nog geen warehouse in {target.root}. Draai eerst `gmsd demo` of `gmsd run`.")
    try:
        files = export_published(target.warehouse, uit or target.root / "export", formaat=formaat, nederlands=nl)
    except ValueError as exc:
        _fail(str(exc))
    for path in files:
        console.print(f"{path}  ({_nl(path.stat().st_size)} bytes)")


@app.command()
def serve(
    home: HomeOption = None,
    host: Annotated[str, typer.Option(help="Adres; standaard alleen deze computer.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Poort.")] = 8000,
) -> None:
    """Bekijk de site in de browser via een lokale webserver (Ctrl-C stopt)."""
    from dashboards.serve import serve as serve_site

    target = get_home(home)
    if not (target.site / "index.html").exists():
        _fail(f"er is nog geen site in {target.site}. Draai eerst `gmsd demo` of `gmsd publish`.")
    serve_site(target.site, host=host, port=port)


@app.command("audit-privacy")
def audit_privacy(
    home: HomeOption = None,
    bron: Annotated[Optional[list[Path]], typer.Option("--bron", help="Map of bestand met de oorspronkelijke aanleveringen (herhaalbaar). Standaard: data/sample.")] = None,
) -> None:
    """Zoek in alles wat het systeem schreef naar BSN's en postcodes uit de aanleveringen; exit 1 bij een vondst."""
    from clearinghouse.privacy_audit import collect_needles, scan

    target = get_home(home)
    if not target.root.exists():
        _fail(f"thuismap {target.root} bestaat niet.")
    sources = bron or [SAMPLE_DIR / "inbox"]
    missing = [str(s) for s in sources if not s.exists()]
    if missing:
        _fail(f"bron niet gevonden: {', '.join(missing)}.")
    needles = collect_needles(sources)
    if not needles.bsns:
        _fail("in de bron staan geen BSN's; geef met --bron de oorspronkelijke aanleveringen op.")
    result = scan(target.root, needles)
    console.print(
        f"Gezocht naar {_nl(len(needles.bsns))} BSN's en {_nl(len(needles.postcodes))} postcodes uit {needles.files_read} "
        f"aanleverbestanden, in {_nl(result.files_scanned)} bestanden onder {target.root} (behalve inbox/ en keys/)."
    )
    if result.raw_waiting:
        console.print(f"[yellow]{len(result.raw_waiting)} ruwe bestanden wachten nog in inbox/ (toegestaan tot verwerking of einde bewaartermijn).[/]")
    if result.clean:
        console.print("[green]Niets gevonden:[/] geen BSN, postcode of 11-proefnummer buiten de inbox.")
        return
    for finding in result.findings:
        err.print(f"[red]{finding.kind}[/] {finding.count}× in {finding.path.relative_to(target.root)} (bijv. {finding.example})")
    raise typer.Exit(1)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help='SQL voor DuckDB, bijvoorbeeld "FROM publish.indicatoren LIMIT 5".')],
    home: HomeOption = None,
    max_rijen: Annotated[int, typer.Option("--max-rijen", help="Toon hoogstens zoveel rijen.")] = 50,
    csv: Annotated[bool, typer.Option("--csv", help="Schrijf het resultaat als CSV naar stdout.")] = False,
) -> None:
    """Bevraag het warehouse (alleen lezen): schema's publish, concept, audit en ref."""
    import duckdb
    from rich.table import Table

    target = get_home(home)
    if not target.warehouse.exists():
        _fail(f"er is nog geen warehouse in {target.root}. Draai eerst `gmsd demo` of `gmsd run`.")
    try:
        with duckdb.connect(str(target.warehouse), read_only=True) as con:
            result = con.sql(query)
            if result is None:
                _fail("de opdracht gaf geen resultaat; alleen SELECT-vragen zijn zinvol (het warehouse is alleen-lezen).")
            frame = result.df()
    except duckdb.Error as exc:
        _fail(f"de SQL kon niet worden uitgevoerd: {str(exc).splitlines()[0]}")
    if csv:
        typer.echo(frame.to_csv(index=False), nl=False)
        return
    table = Table(show_lines=False)
    for column in frame.columns:
        table.add_column(str(column))
    for row in frame.head(max_rijen).itertuples(index=False):
        table.add_row(*("." if value is None or value != value else str(value) for value in row))
    console.print(table)
    if len(frame) > max_rijen:
        console.print(f"{_nl(len(frame))} rijen, de eerste {max_rijen} getoond (--max-rijen of --csv voor meer).")


@key_app.command("new")
def key_new(bestand: Annotated[Path, typer.Option("--bestand", help="Waar de nieuwe sleutel komt.")]) -> None:
    """Maak een nieuwe willekeurige sleutel van 256 bits (bestandsrechten 600)."""
    from clearinghouse.pseudonym import PseudonymKeyError, write_new_key

    try:
        key = write_new_key(bestand)
    except PseudonymKeyError as exc:
        _fail(str(exc))
    console.print(f"Nieuwe sleutel {key.key_id} geschreven naar {bestand}. Zet GMSD_PSEUDONYM_KEY_FILE={bestand}.")


from portal.cli import register as _register_portal  # noqa: E402  (gmsd portal, gmsd user)
_register_portal(app)

if __name__ == "__main__":
    app()
