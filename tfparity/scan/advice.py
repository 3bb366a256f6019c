"""The one table of what replaces each TF1 symbol, read by the scanner and by the API map.

``docs/notes/api_map.tsv`` has a row per TF1 symbol (or prefix: the longest one decides) with
its TF2 replacement (a line of TF2 code, or a named function), a note, the page and section that
prove it, and where the proof's verdict is recorded: ``evidence`` (and for a namesake the user
might reach for instead, ``namesake``) is ``RECORD:key/key/...`` into docs/results/RECORD.json, a
list entry picked by its index or by its ``name``. The verdict is read from that record, never
written here: ``bit-identical``, ``within the CAUSE bound`` (a named cause of
tfparity/core/tolerances.py, on local steps), or ``measured`` (a pitfall's measured difference).
A namesake whose verdict is not bit-identical makes the symbol a false friend. Adding a symbol is
one row of that file.
"""
import csv
import json
import re

from tfparity.core.paths import DOCS, NOTES

TABLE = NOTES / "api_map.tsv"
COLUMNS = ("symbol", "replacement", "note", "page", "section", "evidence", "namesake")
NOT_COVERED = "not covered yet"
# A verdict string of an example's record names its cause so ("... as onednn is active" or
# "(allowed: ... for onednn; ..."): tfparity.core.report writes them.
CAUSE = re.compile(r"as (\w+) is active|allowed: [^;]* for (\w+)")
PROVEN = "proven by a twin"  # a verdict of a twin run: bit-identical or within a named bound
MEASURED = "measured on its page"  # a pitfall's measurement: the difference, not a twin
EXPLAINED = "on a page, no measured verdict"


def rows(path=None):
    """The table's rows as dicts, in file order; a malformed row is a ValueError naming its line."""
    path = path or TABLE
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if tuple(header) != COLUMNS:
            raise ValueError(f"{path}: columns {header}, expected {list(COLUMNS)}")
        found = []
        for number, cells in enumerate(reader, 2):
            if len(cells) != len(COLUMNS):
                raise ValueError(f"{path}:{number}: {len(cells)} cells, expected {len(COLUMNS)}")
            found.append(dict(zip(COLUMNS, cells)))
    return found


def _select(value, step):
    if isinstance(value, list):
        if step.isdigit():
            return value[int(step)]
        return next(item for item in value if isinstance(item, dict) and item.get("name") == step)
    return value[step]


def lookup(evidence, records, folder=DOCS):
    """The recorded value ``evidence`` points at; ``records``: name -> loaded record (filled here)."""
    name, _, path = evidence.partition(":")
    if name not in records:
        records[name] = json.loads((folder / "results" / f"{name}.json").read_text())
    value = records[name]
    for step in filter(None, path.split("/")):
        value = _select(value, step)
    return value


def verdict(value):
    """A recorded value as a verdict: bit-identical, within the CAUSE bound, measured, or differs: X."""
    if isinstance(value, dict) and "mlp" in value:  # an optimizer's comparison on the MLP
        value = value["mlp"]["class"]
    if isinstance(value, dict):
        return "measured"
    text = str(value)
    if text.startswith("bit-identical"):
        return "bit-identical"
    cause = CAUSE.search(text)
    if cause:
        return f"within the {cause.group(1) or cause.group(2)} bound"
    return f"differs: {text}"


def resolved(folder=DOCS):
    """{symbol: row} with each row's ``verdict``, ``proof`` (PROVEN, MEASURED, EXPLAINED or
    NOT_COVERED) and, for a namesake, ``namesake_verdict`` and ``false_friend``."""
    records, table = {}, {}
    for row in rows():
        row = dict(row)
        row["verdict"] = verdict(lookup(row["evidence"], records, folder)) if row["evidence"] else ""
        row["proof"] = (NOT_COVERED if not row["page"] else EXPLAINED if not row["verdict"]
                        else MEASURED if row["verdict"] == "measured" else PROVEN)
        if row["namesake"]:
            named = lookup(row["namesake"], records, folder)
            row["namesake_verdict"] = verdict(named)
            row["namesake_name"] = named.get("keras", "") if isinstance(named, dict) else ""
        row["false_friend"] = bool(row["namesake"]) and row["namesake_verdict"] != "bit-identical"
        table[row["symbol"]] = row
    return table


def find(symbol, table):
    """The row of ``symbol``'s longest known prefix, or None."""
    parts = symbol.split(".")
    for end in range(len(parts), 0, -1):
        row = table.get(".".join(parts[:end]))
        if row:
            return row
    return None
