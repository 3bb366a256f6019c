"""Findings: each TF use of a file, with its probed status, its replacement and its guide page.

``scan_file(path, table)`` returns the file's findings as plain dicts, in line order, with a
status table from ``tfparity.scan.table``.
"""
import ast
import json

from tfparity.scan import advice as scan_advice
from tfparity.scan import knowledge, resolve, sources

NATIVE, MEANING, UNPARSED = "native TF2", "meaning changed", "does not parse"
# The statuses in porting order: what cannot run at all first, what still runs as it did last.
NO_PROOF = {"note": "", "section": "", "verdict": "", "proof": "not covered yet"}
ORDER = ("does not parse", "removed", "raises under Keras 3", "meaning changed", "only compat.v1")


def status(symbol, table):
    """The probed status of ``symbol``, or of its longest probed prefix (a member the TF2 class
    lacks is only compat.v1); names absent from the installed TF are removed."""
    parts = symbol.split(".")
    for end in range(len(parts), 1, -1):
        prefix = ".".join(parts[:end])
        found = table["status"].get(prefix)
        if found == NATIVE and end < len(parts) and parts[end] in table["members"].get(prefix, ()):
            return "only compat.v1"  # a member only the TF1 class has
        if found:
            return found
    return "removed"


def advice(symbol, found_status, table):
    """(replacement, guide, extra) from the API map's row of the longest known prefix
    (``tfparity.scan.advice``), or what the status implies; ``extra``: the row's note, section,
    verdict and proof."""
    row = scan_advice.find(symbol, table["advice"]) if table else None
    if row is None:
        note = knowledge.DEFAULT_REPLACEMENT.get(found_status, "the same name in TF2")
        return "", knowledge.NOT_COVERED, {"note": note, "section": "", "verdict": "", "proof": knowledge.NOT_COVERED}
    note = row["note"]
    if row["false_friend"]:
        note = (f"{note}; " if note else "") + (f"its namesake {row['namesake_name'] or 'in Keras'} "
                                                 f"{row['namesake_verdict']}")
    return (row["replacement"], row["page"] or knowledge.NOT_COVERED,
            {"note": note, "section": row["section"], "verdict": row["verdict"], "proof": row["proof"]})


def _stopped(call):
    """Whether the labels are passed through tf.stop_gradient: TF1's meaning, kept by hand."""
    labels = next((k.value for k in call.keywords if k.arg == "labels"), None)
    return isinstance(labels, ast.Call) and (resolve.dotted(labels.func) or "").endswith("stop_gradient")


def _checks(what, symbol, call, table):
    """Every finding one use makes: (kind, symbol, status, replacement, guide)."""
    if what == "idiom":
        found = [("idiom", symbol, table["idioms"].get(symbol, "removed"))]
        if symbol == "Session.run" and call is not None and len(call.args) >= 2:
            found.append(("idiom", "Session.run(feed)", table["idioms"]["Session.run(feed)"]))
        return [f + advice(f[1], f[2], table) for f in found]
    found_status = status(symbol, table)
    found = []
    if found_status != NATIVE:
        row = scan_advice.find(symbol, table["advice"])
        found.append(("false friend" if row and row["false_friend"] else "symbol", symbol, found_status)
                     + advice(symbol, found_status, table))
    if call is None:
        return found
    for keyword in call.keywords:
        if keyword.arg in table["keywords"].get(symbol, ()):
            spelled = knowledge.KEYWORDS.get(keyword.arg)
            found.append(("keyword", f"{symbol}({keyword.arg}=)", "only compat.v1",
                          f"{symbol}(..., {spelled})" if spelled else "", knowledge.NOT_COVERED,
                          dict(NO_PROOF, note="" if spelled else "drop it: TF2 has no parameter of that name")))
    moved = table["positional"].get(symbol)
    if moved and len(call.args) > moved["position"] and not any(isinstance(a, ast.Starred) for a in call.args):
        argument = call.args[moved["position"]]
        if moved["trigger"] == "any" or (isinstance(argument, ast.Constant) and type(argument.value) is int):
            found.append(("positional order", symbol, MEANING) + advice(symbol, MEANING, table))
    elif symbol in table["other_api"]:
        found.append(("other API", symbol, MEANING) + advice(symbol, MEANING, table))
    elif symbol in table["gradients"] and not _stopped(call):
        found.append(("gradient into labels", symbol, MEANING) + advice(symbol, MEANING, table))
    return found


def _why(error):
    if isinstance(error, MemoryError):
        return "too deeply nested (or too large) for Python's parser"
    return getattr(error, "msg", None) or str(error)


def scan_units(path, units, table):
    """Findings of one file given as (cell, first flat line, code) units; unparsable units are findings."""
    trees, found = [], []
    for cell, offset, code in units:
        try:
            if isinstance(code, ValueError):
                raise code
            trees.append((cell, offset, ast.parse(code)))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            # RecursionError, MemoryError: nested too deeply for the parser's stack, which says so by these
            line = offset + max(getattr(error, "lineno", None) or 1, 1)  # an unknown coding: line 0, column -1
            column = max(getattr(error, "offset", None) or getattr(error, "colno", None) or 1, 1)  # colno: JSON's
            first = "notebook JSON" if isinstance(code, ValueError) else "Python 3"
            found.append(_finding(path, cell, offset, line, column, "syntax", "(does not parse)", UNPARSED,
                                  "", knowledge.NOT_COVERED, dict(NO_PROOF, note=f"{first} first: {_why(error)}")))
    names = resolve.bindings([tree for _, _, tree in trees])
    for cell, offset, tree in trees:
        for line, column, what, symbol, call in resolve.uses(tree, names):
            if symbol != "tf":
                found += [_finding(path, cell, offset, offset + line, column, *check)
                          for check in _checks(what, symbol, call, table)]
    evidence = names["compat_v1"] or any(f["status"] not in (NATIVE, MEANING) for f in found)
    found = [f for f in found if evidence or f["status"] != MEANING]  # TF2 code means TF2's order
    unique = {(f["line"], f["column"], f["kind"], f["symbol"]): f for f in found}
    return sorted(unique.values(), key=lambda f: (f["line"], f["column"], f["symbol"]))


def _finding(path, cell, offset, line, column, kind, symbol, found_status, replacement, guide, extra):
    where = {"cell": cell, "cell_line": line - offset} if cell is not None else {}
    return {"path": path, "line": line, "column": column, **where, "symbol": symbol, "kind": kind,
            "status": found_status, "replacement": replacement, "guide": guide, **extra}


def scan_file(path, table):
    return scan_units(str(path), sources.units(path), table)


def scan_files(files, table):
    return [f for path in files for f in scan_file(path, table)]


def scan_paths(paths, table):
    """(files scanned, findings) for files and folders, recursing; ``sources.BadInput`` on bad input."""
    files = sources.collect(paths)
    return files, scan_files(files, table)


def dumps(findings, summary):
    return json.dumps({"findings": findings, "summary": summary}, indent=1) + "\n"
