"""`gmsd portal` and `gmsd user ...`: start the delivery portal and manage its accounts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from clearinghouse.pseudonym import PseudonymKeyError, ensure_demo_key, key_from_environment
from gmsd.console import HomeOption, console, fail
from vocabulary.home import get_home
from vocabulary.reference import PC6_TABLE_GLOB

user_app = typer.Typer(help="Accounts van het aanleverportaal.", no_args_is_help=True)


def portal(
    home: HomeOption = None,
    host: Annotated[str, typer.Option("--host", help="Adres om op te luisteren; achter een reverse proxy: 127.0.0.1.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Poort.")] = 8400,
    demo: Annotated[bool, typer.Option("--demo", help="Zonder sleutel: gebruik (of maak) de demo-sleutel. Alleen voor synthetische gegevens.")] = False,
    max_mb: Annotated[Optional[float], typer.Option("--max-mb", help="Maximale grootte per bestand in MB (standaard 200; of GMSD_PORTAL_MAX_MB).")] = None,
    venster_van: Annotated[Optional[str], typer.Option("--venster-van", help="Aanleveren mogelijk vanaf (JJJJ-MM-DD[THH:MM], Nederlandse tijd).")] = None,
    venster_tot: Annotated[Optional[str], typer.Option("--venster-tot", help="Aanleveren mogelijk tot en met (JJJJ-MM-DD[THH:MM]).")] = None,
    secure_cookies: Annotated[bool, typer.Option("--secure-cookies", help="Cookies alleen over HTTPS (achter een TLS-proxy altijd aanzetten).")] = False,
    proxy_headers: Annotated[bool, typer.Option("--proxy-headers", help="Vertrouw X-Forwarded-For/-Proto van de proxy op 127.0.0.1.")] = False,
) -> None:
    """Start het aanleverportaal (standaard alleen bereikbaar op 127.0.0.1)."""
    import uvicorn  # the web stack only for the command that serves (it slows every other command's start)

    from portal.app import create_app
    from portal.config import PortalConfig, parse_moment

    target = get_home(home).ensure()
    try:
        if key_from_environment() is None:
            if not demo:
                fail("geen pseudonimiseringssleutel. Zet GMSD_PSEUDONYM_KEY_FILE (maak een sleutel met `gmsd key new`), "
                      "of start met --demo voor synthetische gegevens.")
            used = ensure_demo_key(target.demo_key_file)
            console.print(f"[yellow]Demo-sleutel gebruikt ({used}).[/] Alleen voor synthetische gegevens.")
    except PseudonymKeyError as exc:
        fail(str(exc))
    if not any(target.reference.glob(PC6_TABLE_GLOB)):
        console.print(f"[yellow]Let op:[/] geen postcodetabel in {target.reference} ({PC6_TABLE_GLOB}); de intake kan zonder niet werken.")
    try:
        overrides = {
            "max_upload_bytes": int(max_mb * 1024 * 1024) if max_mb else None,
            "window_start": parse_moment(venster_van),
            "window_end": parse_moment(venster_tot, end=True),
            "secure_cookies": True if secure_cookies else None,
        }
        config = PortalConfig.from_environment(target, **overrides)
    except ValueError as exc:
        fail(str(exc))
    if not config.secure_cookies and host not in ("127.0.0.1", "localhost", "::1"):
        console.print("[yellow]Let op:[/] het portaal luistert buiten 127.0.0.1 zonder --secure-cookies. Zet er een TLS-proxy voor (zie docs/portal.md).")
    console.print(f"Aanleverportaal op [cyan]http://{host}:{port}/[/]  (thuismap {target.root})")
    uvicorn.run(create_app(config), host=host, port=port, proxy_headers=proxy_headers,
                forwarded_allow_ips="127.0.0.1" if proxy_headers else None, server_header=False, log_level="info")


def _read_password(bestand: Path | None) -> str:
    if bestand is not None:
        try:
            return bestand.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            fail(f"het wachtwoordbestand kan niet worden gelezen: {exc.strerror}.")
    password = typer.prompt("Wachtwoord", hide_input=True)
    if typer.prompt("Herhaal het wachtwoord", hide_input=True) != password:
        fail("de wachtwoorden zijn niet gelijk.")
    return password


@user_app.command("add")
def user_add(
    gebruiker: Annotated[str, typer.Option("--gebruiker", help="Gebruikersnaam (letters, cijfers, . _ - @).")],
    gemeente: Annotated[Optional[str], typer.Option("--gemeente", help="GM-code van de gemeente, bijvoorbeeld GM0358.")] = None,
    beheerder: Annotated[bool, typer.Option("--beheerder", help="Beheerder: ziet alle gemeenten.")] = False,
    wachtwoord_bestand: Annotated[Optional[Path], typer.Option("--wachtwoord-bestand", help="Lees het wachtwoord uit dit bestand in plaats van te vragen.")] = None,
    home: HomeOption = None,
) -> None:
    """Maak een account voor één gemeente (of een beheerder)."""
    from portal import accounts

    store = accounts.store_of(get_home(home).ensure())
    try:
        plan = accounts.plan_account(store, gebruiker, gemeente, beheerder)
        for note in plan.notes:
            console.print(f"[yellow]Let op:[/] {note}")
        accounts.add_account(store, plan, _read_password(wachtwoord_bestand))
    except accounts.AccountError as exc:
        fail(str(exc))
    console.print(f"Account [bold]{gebruiker}[/] aangemaakt ({'beheerder' if plan.beheerder else plan.gemeente_code}).")


def _set_active(gebruiker: str, home: Path | None, active: bool) -> None:
    from portal import accounts

    try:
        accounts.set_active(accounts.store_of(get_home(home).ensure()), gebruiker, active)
    except accounts.AccountError as exc:
        fail(str(exc))
    console.print(f"Account [bold]{gebruiker}[/] {'aangezet' if active else 'uitgezet'}.")


@user_app.command("disable")
def user_disable(gebruiker: Annotated[str, typer.Argument(help="Gebruikersnaam.")], home: HomeOption = None) -> None:
    """Zet een account uit; lopende sessies vervallen direct."""
    _set_active(gebruiker, home, False)


@user_app.command("enable")
def user_enable(gebruiker: Annotated[str, typer.Argument(help="Gebruikersnaam.")], home: HomeOption = None) -> None:
    """Zet een uitgezet account weer aan."""
    _set_active(gebruiker, home, True)


@user_app.command("list")
def user_list(home: HomeOption = None) -> None:
    """Toon alle accounts."""
    from portal import accounts

    table = Table()
    for column in ("gebruiker", "gemeente", "rol", "actief"):
        table.add_column(column)
    for row in accounts.store_of(get_home(home).ensure()).accounts():
        table.add_row(row["gebruiker"], row["gemeente_code"] or "—", "beheerder" if row["beheerder"] else "gemeente", "ja" if row["actief"] else "nee")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("portal")(portal)
    app.add_typer(user_app, name="user")
