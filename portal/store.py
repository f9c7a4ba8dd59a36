"""The portal's own embedded store: `<home>/portal.sqlite3`.

Accounts (argon2 hashes), server-side sessions (only a hash of the random id is stored), log-in
attempts for the lock-out (see portal.lockout), the refusal log (`weigeringen`), an event log
(`logboek`), the consent choices made in the portal per gemeente and periode, and the portal's
uploads. One short connection per operation (WAL mode), so the web threads and the intake thread
never share one; `transaction()` takes the write lock up front for read-then-write decisions.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    gebruiker TEXT PRIMARY KEY,
    gemeente_code TEXT,               -- NULL for an operator (beheerder)
    beheerder INTEGER NOT NULL DEFAULT 0,
    wachtwoord_hash TEXT NOT NULL,
    actief INTEGER NOT NULL DEFAULT 1,
    aangemaakt_op TEXT NOT NULL,
    gewijzigd_op TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessies (
    id_hash TEXT PRIMARY KEY,         -- sha256 of the random session id; the id itself is never stored
    gebruiker TEXT,                   -- NULL before log-in (holds the CSRF token of the log-in form)
    csrf TEXT NOT NULL,
    aangemaakt_op REAL NOT NULL,
    laatst_gezien REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS inlogpogingen (
    sleutel TEXT PRIMARY KEY,         -- 'gebruiker:<naam>' or 'client:<adres>'
    mislukt INTEGER NOT NULL,
    laatste REAL NOT NULL,
    geblokkeerd_tot REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS weigeringen (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tijd TEXT NOT NULL,
    gebruiker TEXT,
    gemeente_code TEXT,               -- the account's gemeente
    client TEXT,
    reden TEXT NOT NULL,
    details TEXT
);
CREATE TABLE IF NOT EXISTS logboek (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tijd TEXT NOT NULL,
    gebruiker TEXT,
    gemeente_code TEXT,
    client TEXT,
    gebeurtenis TEXT NOT NULL,
    details TEXT
);
CREATE TABLE IF NOT EXISTS toestemming (
    gemeente_code TEXT NOT NULL,
    periode TEXT NOT NULL,
    publicatie_basis INTEGER NOT NULL,
    publicatie_facultatief INTEGER NOT NULL,
    gewijzigd_op TEXT NOT NULL,
    gewijzigd_door TEXT NOT NULL,
    PRIMARY KEY (gemeente_code, periode)
);
CREATE TABLE IF NOT EXISTS uploads (
    id TEXT PRIMARY KEY,
    tijd TEXT NOT NULL,
    gebruiker TEXT NOT NULL,
    gemeente_code TEXT NOT NULL,
    periode TEXT NOT NULL,
    status TEXT NOT NULL,             -- wachtrij | bezig | klaar | fout
    bestanden TEXT NOT NULL,          -- JSON: [{bestand, domein, sha256, bytes}]
    resultaat TEXT,                   -- JSON: audit rows of this upload
    stempel TEXT,                     -- the intake's stamp (prefix of the report names)
    melding TEXT
);
"""


def now_text() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def hash_session_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass(frozen=True)
class Account:
    gebruiker: str
    gemeente_code: str | None
    beheerder: bool
    wachtwoord_hash: str
    actief: bool

    def may_see(self, gemeente_code: str) -> bool:
        return self.beheerder or self.gemeente_code == gemeente_code


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(SCHEMA)
        try:
            self.path.chmod(0o600)
        except OSError:
            pass

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=15)
        con.row_factory = sqlite3.Row
        try:
            with con:  # commits, or rolls back on an exception
                yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds SQLite's write lock from its first statement (BEGIN IMMEDIATE):
        what it reads cannot change before it writes, also with other threads or processes."""
        con = sqlite3.connect(self.path, timeout=15, isolation_level=None)
        con.row_factory = sqlite3.Row
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    # --- accounts -------------------------------------------------------------------------
    def add_account(self, gebruiker: str, gemeente_code: str | None, beheerder: bool, wachtwoord_hash: str) -> None:
        stamp = now_text()
        with self.connect() as con:
            con.execute(
                "INSERT INTO accounts VALUES (?, ?, ?, ?, 1, ?, ?)",
                (gebruiker, gemeente_code, int(beheerder), wachtwoord_hash, stamp, stamp),
            )

    def set_password(self, gebruiker: str, wachtwoord_hash: str) -> None:
        with self.connect() as con:
            con.execute("UPDATE accounts SET wachtwoord_hash = ?, gewijzigd_op = ? WHERE gebruiker = ?", (wachtwoord_hash, now_text(), gebruiker))

    def set_active(self, gebruiker: str, actief: bool) -> bool:
        with self.connect() as con:
            changed = con.execute(
                "UPDATE accounts SET actief = ?, gewijzigd_op = ? WHERE gebruiker = ?", (int(actief), now_text(), gebruiker)
            ).rowcount
            if not actief:
                con.execute("DELETE FROM sessies WHERE gebruiker = ?", (gebruiker,))
        return bool(changed)

    def account(self, gebruiker: str) -> Account | None:
        with self.connect() as con:
            row = con.execute("SELECT * FROM accounts WHERE gebruiker = ?", (gebruiker,)).fetchone()
        if row is None:
            return None
        return Account(row["gebruiker"], row["gemeente_code"], bool(row["beheerder"]), row["wachtwoord_hash"], bool(row["actief"]))

    def accounts(self) -> list[sqlite3.Row]:
        with self.connect() as con:
            return con.execute("SELECT gebruiker, gemeente_code, beheerder, actief, aangemaakt_op FROM accounts ORDER BY gebruiker").fetchall()

    def account_gemeenten(self) -> list[str]:
        with self.connect() as con:
            rows = con.execute("SELECT DISTINCT gemeente_code FROM accounts WHERE gemeente_code IS NOT NULL AND actief = 1 ORDER BY 1")
            return [row[0] for row in rows]

    # --- sessions -------------------------------------------------------------------------
    def create_session(self, session_id: str, gebruiker: str | None, csrf: str, now: float) -> None:
        with self.connect() as con:
            con.execute("INSERT INTO sessies VALUES (?, ?, ?, ?, ?)", (hash_session_id(session_id), gebruiker, csrf, now, now))

    def session(self, session_id: str) -> sqlite3.Row | None:
        with self.connect() as con:
            return con.execute("SELECT * FROM sessies WHERE id_hash = ?", (hash_session_id(session_id),)).fetchone()

    def touch_session(self, session_id: str, now: float) -> None:
        with self.connect() as con:
            con.execute("UPDATE sessies SET laatst_gezien = ? WHERE id_hash = ?", (now, hash_session_id(session_id)))

    def delete_session(self, session_id: str) -> None:
        with self.connect() as con:
            con.execute("DELETE FROM sessies WHERE id_hash = ?", (hash_session_id(session_id),))

    def purge_sessions(self, *, idle_before: float, created_before: float) -> None:
        with self.connect() as con:
            con.execute("DELETE FROM sessies WHERE laatst_gezien < ? OR aangemaakt_op < ?", (idle_before, created_before))

    # --- logs -----------------------------------------------------------------------------
    def refuse(self, *, gebruiker: str | None, gemeente_code: str | None, client: str | None, reden: str, details: str = "") -> None:
        with self.connect() as con:
            con.execute(
                "INSERT INTO weigeringen (tijd, gebruiker, gemeente_code, client, reden, details) VALUES (?, ?, ?, ?, ?, ?)",
                (now_text(), gebruiker, gemeente_code, client, reden, details[:1000]),
            )

    def refusals(self, limit: int = 200) -> list[sqlite3.Row]:
        with self.connect() as con:
            return con.execute("SELECT * FROM weigeringen ORDER BY id DESC LIMIT ?", (limit,)).fetchall()

    def log(self, *, gebruiker: str | None, gemeente_code: str | None, client: str | None, gebeurtenis: str, details: str = "") -> None:
        with self.connect() as con:
            con.execute(
                "INSERT INTO logboek (tijd, gebruiker, gemeente_code, client, gebeurtenis, details) VALUES (?, ?, ?, ?, ?, ?)",
                (now_text(), gebruiker, gemeente_code, client, gebeurtenis, details[:1000]),
            )

    # --- consent --------------------------------------------------------------------------
    def consent(self, gemeente_code: str) -> dict[str, tuple[bool, bool, str, str]]:
        """periode → (basis, facultatief, gewijzigd_op, gewijzigd_door)."""
        with self.connect() as con:
            rows = con.execute("SELECT * FROM toestemming WHERE gemeente_code = ? ORDER BY periode DESC", (gemeente_code,)).fetchall()
        return {
            r["periode"]: (bool(r["publicatie_basis"]), bool(r["publicatie_facultatief"]), r["gewijzigd_op"], r["gewijzigd_door"])
            for r in rows
        }

    def set_consent(self, gemeente_code: str, periode: str, basis: bool, facultatief: bool, door: str) -> None:
        with self.connect() as con:
            con.execute(
                "INSERT INTO toestemming VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(gemeente_code, periode) DO UPDATE SET "
                "publicatie_basis = excluded.publicatie_basis, publicatie_facultatief = excluded.publicatie_facultatief, "
                "gewijzigd_op = excluded.gewijzigd_op, gewijzigd_door = excluded.gewijzigd_door",
                (gemeente_code, periode, int(basis), int(facultatief), now_text(), door),
            )

    # --- uploads --------------------------------------------------------------------------
    def add_upload(self, upload_id: str, gebruiker: str, gemeente_code: str, periode: str, bestanden: list[dict]) -> None:
        with self.connect() as con:
            con.execute(
                "INSERT INTO uploads (id, tijd, gebruiker, gemeente_code, periode, status, bestanden) VALUES (?, ?, ?, ?, ?, 'wachtrij', ?)",
                (upload_id, now_text(), gebruiker, gemeente_code, periode, json.dumps(bestanden)),
            )

    def update_upload(self, upload_id: str, **fields) -> None:
        if "resultaat" in fields and not isinstance(fields["resultaat"], str):
            fields["resultaat"] = json.dumps(fields["resultaat"], default=str)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self.connect() as con:
            con.execute(f"UPDATE uploads SET {assignments} WHERE id = ?", (*fields.values(), upload_id))

    def upload(self, upload_id: str) -> sqlite3.Row | None:
        with self.connect() as con:
            return con.execute("SELECT * FROM uploads WHERE id = ?", (upload_id,)).fetchone()

    def uploads(self, gemeente_code: str | None = None) -> list[sqlite3.Row]:
        with self.connect() as con:
            if gemeente_code is None:
                return con.execute("SELECT * FROM uploads ORDER BY tijd DESC").fetchall()
            return con.execute("SELECT * FROM uploads WHERE gemeente_code = ? ORDER BY tijd DESC", (gemeente_code,)).fetchall()

    def pending_upload(self, gemeente_code: str, periode: str) -> bool:
        with self.connect() as con:
            row = con.execute(
                "SELECT 1 FROM uploads WHERE gemeente_code = ? AND periode = ? AND status IN ('wachtrij', 'bezig')", (gemeente_code, periode)
            ).fetchone()
        return row is not None

    def fail_unfinished_uploads(self) -> None:
        """At start-up: uploads a previous process never finished are marked as failed."""
        with self.connect() as con:
            con.execute(
                "UPDATE uploads SET status = 'fout', melding = 'De verwerking is onderbroken (portaal herstart). Lever opnieuw aan.' "
                "WHERE status IN ('wachtrij', 'bezig')"
            )
