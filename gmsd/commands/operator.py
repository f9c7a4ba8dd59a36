"""`gmsd purge`, `gmsd audit-privacy`, `gmsd key new`: the operator's care for raw data and keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from clearinghouse.consent import record_decision
from clearinghouse.normalise import canonical_gemeentecode_text
from clearinghouse.privacy_audit import collect_needles, scan
from clearinghouse.pseudonym import PseudonymKeyError, write_new_key
from clearinghouse.retention import RetentionError, purge as purge_raw, retention_days_from_environment
from gmsd.console import RUN, HomeOption, console, err, fail
from vocabulary.formatting import fmt_int
from vocabulary.home import SAMPLE_DIR, get_home
from vocabulary.periode import Periode, PeriodeError

key_app = typer.Typer(help="Beheer van de pseudonimiseringssleutel.", no_args_is_help=True)


def purge(
    home: HomeOption = None,
    retentie_dagen: Annotated[Optional[int], typer.Option("--retentie-dagen", help="Bewaartermijn in dagen (standaard $GMSD_RETENTIE_DAGEN of 0).")] = None,
) -> None:
    """Verwijder verwerkte ruwe aanleveringen waarvan de bewaartermijn voorbij is, en leg dat vast."""
    target = get_home(home).ensure()
    try:
        days = retention_days_from_environment() if retentie_dagen is None else retentie_dagen
    except RetentionError as exc:
        fail(str(exc))
    if days < 0:
        fail("de bewaartermijn mag niet negatief zijn.")
    summary = purge_raw(target.inbox, target.intake, target.deletions, retention_days=days)
    console.print(
        f"{len(summary.deleted)} ruwe bestanden verwijderd (vastgelegd in {target.deletions}); "
        f"{len(summary.kept_retention)} bewaard binnen de termijn van {days} dagen; "
        f"{len(summary.kept_unprocessed)} nog niet verwerkt (blijven staan).",
        highlight=False,
    )
    for path in summary.kept_unprocessed[:20]:
        console.print(f"  nog niet verwerkt: {path.relative_to(target.inbox)}", highlight=False)


def audit_privacy(
    home: HomeOption = None,
    bron: Annotated[Optional[list[Path]], typer.Option("--bron", help="Map of bestand met de oorspronkelijke aanleveringen (herhaalbaar). Standaard: data/sample.")] = None,
) -> None:
    """Zoek in alles wat het systeem schreef naar BSN's en postcodes uit de aanleveringen; exit 1 bij een vondst."""
    target = get_home(home)
    if not target.root.exists():
        fail(f"thuismap {target.root} bestaat niet.")
    sources = bron or [SAMPLE_DIR / "inbox"]
    missing = [str(s) for s in sources if not s.exists()]
    if missing:
        fail(f"bron niet gevonden: {', '.join(missing)}.")
    needles = collect_needles(sources)
    if not needles.bsns:
        fail("in de bron staan geen BSN's; geef met --bron de oorspronkelijke aanleveringen op.")
    result = scan(target.root, needles)
    console.print(
        f"Gezocht naar {fmt_int(len(needles.bsns))} BSN's en {fmt_int(len(needles.postcodes))} postcodes uit {needles.files_read} "
        f"aanleverbestanden, in {fmt_int(result.files_scanned)} bestanden onder {target.root} (behalve inbox/ en keys/).",
        highlight=False,
    )
    if result.raw_waiting:
        console.print(f"[yellow]{len(result.raw_waiting)} ruwe bestanden wachten nog in inbox/ (toegestaan tot verwerking of einde bewaartermijn).[/]")
    if result.clean:
        console.print("[green]Niets gevonden:[/] geen BSN, postcode of 11-proefnummer buiten de inbox.")
        return
    for finding in result.findings:
        err.print(f"[red]{finding.kind}[/] {finding.count}× in {finding.path.relative_to(target.root)} (bijv. {finding.example})")
    raise typer.Exit(1)


def toestemming(
    gemeente: Annotated[str, typer.Option("--gemeente", help="GM-code, bijvoorbeeld GM0197.")],
    periode: Annotated[str, typer.Option("--periode", help="Halfjaar, bijvoorbeeld 2025-H1.")],
    basis: Annotated[str, typer.Option("--basis", help="Toestemming om de basisset te publiceren: ja of nee.")],
    facultatief: Annotated[str, typer.Option("--facultatief", help="Toestemming om de facultatieve gegevens te publiceren: ja of nee.")],
    reden: Annotated[str, typer.Option("--reden", help="Waarom (bijvoorbeeld: brief van de gemeente van 3 maart).")],
    door: Annotated[str, typer.Option("--door", help="Wie het vastlegt.")] = "beheerder",
    home: HomeOption = None,
) -> None:
    """Leg een besluit over publicatie vast zonder nieuwe aanlevering (met reden; wordt bewaard)."""
    code = canonical_gemeentecode_text(gemeente)
    if code is None:
        fail(f"'{gemeente}' is geen gemeentecode; gebruik bijvoorbeeld GM0197.")
    answers = {"ja": True, "nee": False}
    if basis not in answers or facultatief not in answers:
        fail("--basis en --facultatief zijn ja of nee.")
    if not reden.strip():
        fail("geef met --reden aan waarom de toestemming verandert; het besluit wordt bewaard.")
    try:
        half = Periode.halfjaar(periode)
    except PeriodeError as exc:
        fail(str(exc))
    target = get_home(home).ensure()
    path = record_decision(target.toestemmingen, gemeente_code=code, periode=half.code, basis=answers[basis],
                           facultatief=answers[facultatief], door=door, reden=reden.strip())
    console.print(
        f"Toestemming voor {code} {half.code} vastgelegd (basis {basis}, facultatief {facultatief}) in {path}. "
        f"Ze geldt vanaf de volgende `{RUN} run`; publiceren doet `{RUN} publish`.",
        highlight=False,
    )


@key_app.command("new")
def key_new(bestand: Annotated[Path, typer.Option("--bestand", help="Waar de nieuwe sleutel komt.")]) -> None:
    """Maak een nieuwe willekeurige sleutel van 256 bits (bestandsrechten 600)."""
    try:
        key = write_new_key(bestand)
    except PseudonymKeyError as exc:
        fail(str(exc))
    console.print(f"Nieuwe sleutel {key.key_id} geschreven naar {bestand}. Zet GMSD_PSEUDONYM_KEY_FILE={bestand}.", highlight=False)


def register(app: typer.Typer) -> None:
    app.command()(purge)
    app.command()(toestemming)
    app.command("audit-privacy")(audit_privacy)
    app.add_typer(key_app, name="key")
