"""Log-in lock-out: at most `threshold` password guesses per account and per client address.

A guess is *reserved* before its password is checked. In one write transaction that holds SQLite's
write lock from the start (BEGIN IMMEDIATE), the guess is refused when one of its keys is locked;
otherwise it is counted as a failure up front, and the key is locked as soon as its count reaches
the threshold. Only a guess with a reservation gets the (slow) argon2 check. A log-in that succeeds
gives its reservation back. So twelve wrong passwords sent at the same moment get at most
`threshold` checks — in threads or in several processes — where reading the lock before the check
and recording the failure after it let all twelve through.

Keys are `gebruiker:<name>` (the account, also for names that do not exist) and `client:<address>`.
A lock lasts `base` seconds at the threshold and doubles with every further failure (at most
`maximum`); failures older than `memory` seconds are forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.store import Store


@dataclass(frozen=True)
class Policy:
    threshold: int
    base: float
    maximum: float
    memory: float

    def lock_for(self, failures: int, now: float) -> float:
        """The end of the lock after `failures` failures (0: not locked)."""
        if failures < self.threshold:
            return 0.0
        return now + min(self.base * 2 ** (failures - self.threshold), self.maximum)


@dataclass(frozen=True)
class _Counted:
    key: str
    previous_lock: float
    lock: float


@dataclass
class Guess:
    """The outcome of a reservation: admitted (check the password) or refused until `locked_until`."""

    admitted: bool
    locked_until: float = 0.0
    counted: list[_Counted] = field(default_factory=list)


def account_key(name: str) -> str:
    return f"gebruiker:{name.lower()}"


def client_key(address: str) -> str:
    return f"client:{address}"


def reserve(store: Store, keys: dict[str, Policy], now: float) -> Guess:
    """Refuse the guess if a key is locked; otherwise count it as a failure for every key (atomically)."""
    with store.transaction() as con:
        rows = {key: con.execute("SELECT * FROM inlogpogingen WHERE sleutel = ?", (key,)).fetchone() for key in keys}
        locked = max((row["geblokkeerd_tot"] for row in rows.values() if row is not None), default=0.0)
        if locked > now:
            return Guess(admitted=False, locked_until=locked)
        counted = []
        for key, policy in keys.items():
            row = rows[key]
            fresh = row is None or now - row["laatste"] > policy.memory
            failures = 1 if fresh else row["mislukt"] + 1
            lock = policy.lock_for(failures, now)
            con.execute(
                "INSERT INTO inlogpogingen VALUES (?, ?, ?, ?) ON CONFLICT(sleutel) DO UPDATE SET "
                "mislukt = excluded.mislukt, laatste = excluded.laatste, geblokkeerd_tot = excluded.geblokkeerd_tot",
                (key, failures, now, lock),
            )
            counted.append(_Counted(key, 0.0 if row is None else row["geblokkeerd_tot"], lock))
    return Guess(admitted=True, counted=counted)


def succeeded(store: Store, guess: Guess, *, clear: str) -> None:
    """The password was right: forget the failures of key `clear` (the account) and give the
    reservation back on the other keys (a lock it set is lifted unless a later failure renewed it)."""
    with store.transaction() as con:
        for item in guess.counted:
            if item.key == clear:
                con.execute("DELETE FROM inlogpogingen WHERE sleutel = ?", (item.key,))
                continue
            con.execute(
                "UPDATE inlogpogingen SET mislukt = max(mislukt - 1, 0), "
                "geblokkeerd_tot = CASE WHEN geblokkeerd_tot = ? THEN ? ELSE geblokkeerd_tot END WHERE sleutel = ?",
                (item.lock, item.previous_lock, item.key),
            )


def state(store: Store, key: str):
    """The row of `key` (mislukt, laatste, geblokkeerd_tot), or None: for the operator and tests."""
    with store.connect() as con:
        return con.execute("SELECT * FROM inlogpogingen WHERE sleutel = ?", (key,)).fetchone()


def forget(store: Store, key: str) -> None:
    with store.connect() as con:
        con.execute("DELETE FROM inlogpogingen WHERE sleutel = ?", (key,))
