"""Check delivery files — one, or a whole round's at once — and turn their accepted rows into records.

For each file: read → check its shape and columns → normalise → validate against the contract →
verdict → (with a key) pseudonymised, minimised records, checked against `contracts.core` in memory.

A national round is ~1,000 files of ~3,000 rows. Checked one by one, the fixed cost of each column
operation (tens of microseconds, hundreds of operations per file) outweighed the rows. So the files
of one domein and periode are checked *together*: their rows are stacked, every normalisation, rule
and HMAC runs once over the stack, and the results are split back per file (each row keeps its file
and its row number). Reading, the checks that refuse a whole file, and the report stay per file.
`check_file` is the same thing for one file (`gmsd check`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from clearinghouse.columns import explain, hints_for_missing, hints_for_unused, unused_columns
from clearinghouse.geography import Geography
from clearinghouse.masking import mask_value
from clearinghouse.minimise import minimise
from clearinghouse.normalise import Normalised, normalise
from clearinghouse.outcome import FileOutcome
from clearinghouse.pseudonym import PseudonymKey
from clearinghouse.reading import Delivered, DeliveryFileError, read_delivery, sha256_of
from clearinghouse.validation import DEFAULT_MAX_REJECTED_SHARE, validate_files
from contracts.checking import summary, violations
from contracts.core import CoreTraject
from contracts.delivery import delivered_columns, required_columns
from contracts.regels import UNKNOWN_COLUMN_RULE
from vocabulary.formatting import fmt_decimal, fmt_int
from vocabulary.oordelen import AFGEKEURD, FOUT, MET_AFWIJKINGEN, WAARSCHUWING
from vocabulary.periode import Periode

# More than half of the rows outside the periode: the file belongs to another periode.
OUTSIDE_PERIODE_SHARE = 0.5


@dataclass(frozen=True)
class FileTask:
    """One file to check: where it is, its domein, and the delivery (gemeente, periode) it belongs to."""

    path: Path
    domein: str
    gemeente_code: str
    periode: Periode


def _reject(outcome: FileOutcome, regel: str, melding: str) -> FileOutcome:
    outcome.oordeel, outcome.regel, outcome.melding = AFGEKEURD, regel, melding
    return outcome


def _main_reasons(failures: pd.DataFrame) -> str:
    """The most frequent fouten in a few words each, so a refusal says what is wrong, not only how much."""
    fouten = failures[failures["ernst"] == FOUT].drop_duplicates(["rij", "regel"])
    counts = fouten.groupby(["regel", "kolom"]).size().sort_values(ascending=False, kind="stable").head(3)
    texts = fouten.drop_duplicates(["regel", "kolom"]).set_index(["regel", "kolom"])["melding"]
    return "; ".join(f"{texts[key].split('. ')[0]} ({fmt_int(count)}×)" for key, count in counts.items())


def core_contract_problem(core: pd.DataFrame) -> str | None:
    """Why records fail `CoreTraject` (`bsn: column_in_schema (1×)`), or None. Names checks and columns,
    never a value: a failing record may hold a BSN."""
    found = violations(CoreTraject, core)
    return summary(found) if found else None


def _open(task: FileTask, now: datetime) -> tuple[FileOutcome, Delivered | None]:
    """Read a file and apply the checks that refuse it as a whole before its rows are looked at."""
    path, domein = task.path, task.domein
    outcome = FileOutcome(domein=domein, bestand=path.name, sha256=None, gecontroleerd_op=now)
    if not path.is_file():
        return _reject(outcome, "bestand_ontbreekt",
                       f"{path.name} staat in het manifest maar is niet aangeleverd. Lever het bestand mee of haal het uit het manifest."), None  # fmt: skip
    try:
        delivered = read_delivery(path)
    except DeliveryFileError as exc:
        outcome.sha256 = sha256_of(path)
        return _reject(outcome, "bestand_onleesbaar", str(exc)), None
    columns, outcome.sha256, outcome.headers = delivered.columns, delivered.sha256, delivered.headers
    outcome.rijen_gelezen = len(delivered.rows)
    outcome.ongebruikte_kolommen = unused_columns(delivered.headers, domein)
    outcome.bestandsmeldingen = [
        {"kolom": hint.geleverd, "regel": UNKNOWN_COLUMN_RULE, "ernst": WAARSCHUWING,
         "melding": f"Kolom `{hint.geleverd}` staat niet in het gegevenswoordenboek en wordt niet gebruikt. {hint.zin()}"}
        for hint in hints_for_unused(delivered.headers, domein)
    ]  # fmt: skip
    if not columns or not len(delivered.rows):  # what DataFrame.empty says of its frame
        return _reject(outcome, "geen_gegevens", f"{path.name} bevat geen gegevensregels. Lever het bestand opnieuw aan."), None
    missing = [column for column in required_columns(domein) if column not in columns]
    if missing:
        hints = hints_for_missing(missing, delivered.headers, domein)
        outcome.bestandsmeldingen = []  # the hints in the melding say the same, about the missing columns
        return _reject(
            outcome, "kolom_ontbreekt",
            f"{path.name}: verplichte kolom(men) ontbreken: {', '.join(missing)}. {explain(hints)} "
            "Controleer de kolomnamen in de kopregel (zie het gegevenswoordenboek).",
        ), None  # fmt: skip
    return outcome, delivered


def _stack(delivered: list[Delivered], domein: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The contract's columns of several files as one table; per row its file and its row number."""
    known = delivered_columns(domein)
    files = np.concatenate([np.full(len(d.rows), number, dtype=np.int64) for number, d in enumerate(delivered)])
    rows = np.concatenate([d.rows for d in delivered])
    if len(delivered) == 1:
        frame = delivered[0].frame
        return frame[[c for c in frame.columns if c in known]].reset_index(drop=True), files, rows
    # Stacked by Arrow: a column one file lacks is empty (null) in that file's rows, which the
    # contract treats exactly like an absent optional column.
    tables = [d.table.select([c for c in d.table.column_names if c in known]) for d in delivered]
    return pa.concat_tables(tables, promote_options="default").to_pandas(), files, rows


def _subset(normalised: Normalised, keep: np.ndarray) -> Normalised:
    def take(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[keep].reset_index(drop=True)

    return Normalised(
        take(normalised.frame), take(normalised.raw),
        {c: m[keep].reset_index(drop=True) for c, m in normalised.parse_failures.items()},
        {c: m[keep].reset_index(drop=True) for c, m in normalised.repairs.items()},
    )  # fmt: skip


def _other_gemeente(normalised: Normalised, files: np.ndarray, tasks: list[FileTask]) -> dict[int, list[str]]:
    """Per file (that has any): the codes of other gemeenten in its rows."""
    codes = normalised.frame["gemeentecode"]
    expected = np.array([task.gemeente_code for task in tasks], dtype=object)[files]
    other = codes.notna().to_numpy() & (codes.to_numpy(dtype=object, na_value=None) != expected)
    found: dict[int, list[str]] = {}
    for number in np.unique(files[other]):
        found[int(number)] = sorted(set(codes[other & (files == number)].dropna()))
    return found


def _check_group(
    members: list[tuple[FileTask, FileOutcome, Delivered]], *, key, geography, max_rejected_share: float
) -> None:
    """Check the files of one domein and periode together; fill in each outcome."""
    tasks = [task for task, _, _ in members]
    domein, periode = tasks[0].domein, tasks[0].periode
    raw, files, rows = _stack([delivered for _, _, delivered in members], domein)
    normalised = normalise(raw, periode=periode)
    others = _other_gemeente(normalised, files, tasks)
    for number, codes in others.items():
        task, outcome, _ = members[number]
        _reject(
            outcome, "andere_gemeente",
            # Masked: with shifted columns the 'gemeentecode' holds BSNs, which must not reach the report.
            f"{task.path.name} bevat gegevens van een andere gemeente "
            f"({', '.join(mask_value('gemeentecode', code) for code in codes[:3])}). "
            f"Een gemeente levert alleen haar eigen gegevens ({task.gemeente_code}); het hele bestand is afgekeurd.",
        )  # fmt: skip
    if others:
        keep = ~np.isin(files, list(others))
        kept = [number for number in range(len(members)) if number not in others]
        if not kept:
            return
        renumber = np.full(len(members), -1, dtype=np.int64)
        renumber[kept] = np.arange(len(kept))
        normalised, files, rows = _subset(normalised, keep), renumber[files[keep]], rows[keep]
        members = [members[number] for number in kept]
    checked = validate_files(normalised, domein, files=files, headers=[d.headers for _, _, d in members], row_numbers=rows)
    accepted = np.zeros(len(members), dtype=bool)
    for number, ((task, outcome, delivered), validation) in enumerate(zip(members, checked.files)):
        outcome.failures = validation.failures
        outcome.rijen_afgekeurd = validation.rows_rejected
        outcome.rijen_met_waarschuwing = validation.rows_warned
        read = validation.rows_read
        outside = validation.failures.loc[validation.failures["regel"] == "overlapt_periode", "rij"].nunique()
        if outside > OUTSIDE_PERIODE_SHARE * read:
            _reject(outcome, "andere_periode",
                    f"{task.path.name}: {fmt_int(outside)} van de {fmt_int(read)} regels vallen buiten {periode.code}. "
                    "Het bestand lijkt bij een andere periode te horen; lever het aan bij de juiste periode.")  # fmt: skip
            continue
        outcome.oordeel = validation.verdict(max_rejected_share)
        if outcome.oordeel == AFGEKEURD:
            share = validation.rows_rejected / max(read, 1)
            _reject(outcome, "te_veel_fouten",
                    f"{task.path.name}: {fmt_int(validation.rows_rejected)} van de {fmt_int(read)} regels ({fmt_decimal(100 * share)} %) "
                    f"hebben een fout, meer dan de toegestane {fmt_decimal(100 * max_rejected_share, 0)} %. Meest voorkomend: "
                    f"{_main_reasons(validation.failures)}. Herstel de regels in het rapport en lever opnieuw aan.")  # fmt: skip
            continue
        accepted[number] = True
        if outcome.oordeel == MET_AFWIJKINGEN:
            outcome.melding = (
                f"{fmt_int(validation.rows_rejected)} regel(s) afgekeurd; de overige {fmt_int(outcome.rijen_geaccepteerd)} "
                "regels worden gebruikt."
            )
    if key is None or geography is None or not accepted.any():
        return
    use = accepted[checked.valid_files]
    valid, valid_files = checked.valid[use], checked.valid_files[use]
    core = minimise(
        valid, domein=domein, key=key, geography=geography,
        gemeente_code=np.array([task.gemeente_code for task, _, _ in members], dtype=object)[valid_files],
        periode=periode.code, traject_nummer=rows[valid.index.to_numpy()],
    )  # fmt: skip
    problem = core_contract_problem(core)
    table = pa.Table.from_pandas(core, preserve_index=False)  # converted once; each file writes its slice
    bounds = np.searchsorted(valid_files, np.arange(len(members) + 1))
    for number in np.flatnonzero(accepted):
        outcome = members[number][1]
        outcome.core = core.iloc[bounds[number] : bounds[number + 1]].reset_index(drop=True)
        outcome.core_table = table.slice(bounds[number], bounds[number + 1] - bounds[number])
        # One check over all files; only when it fails is each file checked on its own, to find which.
        outcome.core_probleem = None if problem is None else core_contract_problem(outcome.core)


def check_files(
    tasks: list[FileTask],
    *,
    key: PseudonymKey | None,
    geography: Geography | None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    now: datetime | None = None,
) -> list[FileOutcome]:
    """Verdicts for many files (in the order of `tasks`), and their records when accepted and a key is given."""
    now = now or datetime.now(timezone.utc)
    opened = [(task, *_open(task, now)) for task in tasks]
    groups: dict[tuple[str, str], list] = {}
    for task, outcome, delivered in opened:
        if delivered is not None:
            groups.setdefault((task.domein, task.periode.code), []).append((task, outcome, delivered))
    for members in groups.values():
        _check_group(members, key=key, geography=geography, max_rejected_share=max_rejected_share)
    return [outcome for _, outcome, _ in opened]


def check_file(
    path: Path,
    *,
    domein: str,
    gemeente_code: str,
    periode: Periode,
    key: PseudonymKey | None,
    geography: Geography | None,
    max_rejected_share: float = DEFAULT_MAX_REJECTED_SHARE,
    now: datetime | None = None,
) -> FileOutcome:
    """Verdict for one delivery file, and its pseudonymised records when accepted and a key is given.

    Without key and geography (the gemeente's local pre-check) only the verdict and report are made.
    """
    task = FileTask(path, domein, gemeente_code, periode)
    return check_files([task], key=key, geography=geography, max_rejected_share=max_rejected_share, now=now)[0]
