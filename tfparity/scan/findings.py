"""Findings: each TF use of a file, with its probed status, its replacement and its guide page.

``scan_file(path, table)`` returns the file's findings as plain dicts, in line order, with a
status table from ``tfparity.scan.table``.
"""
import ast
import json

from tfparity.scan import knowledge, resolve, sources

NATIVE, MEANING, UNPARSED = "native TF2", "meaning changed", "does not parse"
# The statuses in porting order: what cannot run at all first, what still runs as it did last.
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
    """(replacement, guide) from the longest known prefix, or what the status implies."""
    parts = symbol.split(".")
    for end in range(len(parts), 0, -1):
        known = knowledge.REPLACEMENTS.get(".".join(parts[:end]))
        if known:
            return known
    return knowledge.DEFAULT_REPLACEMENT.get(found_status, "same name in TF2"), knowledge.NOT_COVERED


def _friend(symbol, table):
    row = table["friends"].get(symbol)
    if not row:
        return None
    naive, exact = row["naive"], row["exact"]
    distance = naive["mlp"]["class"] if naive["mlp"]["class"] == "bit-identical" else \
        f"{naive['mlp']['final']['ulp']:.3g} ULP on the MLP after {table['steps']} steps"
    return (f"{exact['rule']} ({exact['mlp']['class']} to TF1 on the MLP); its Keras 3 namesake "
            f"{naive['keras']} gives {distance}"), knowledge.FRIENDS


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
        name = symbol.rsplit(".", 1)[-1].removesuffix("Optimizer")
        friend = _friend(symbol, table) if name in knowledge.OPTIMIZERS else None
        found.append(("false friend" if friend else "symbol", symbol, found_status)
                     + (friend or advice(symbol, found_status, table)))
    if call is None:
        return found
    for keyword in call.keywords:
        if keyword.arg in table["keywords"].get(symbol, ()):
            found.append(("keyword", f"{symbol}({keyword.arg}=)", "only compat.v1",
                          knowledge.KEYWORDS.get(keyword.arg, "drop it (no TF2 parameter of that name)"),
                          knowledge.NOT_COVERED))
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
                                  f"{first} first: {_why(error)}", knowledge.NOT_COVERED))
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


def _finding(path, cell, offset, line, column, kind, symbol, found_status, replacement, guide):
    where = {"cell": cell, "cell_line": line - offset} if cell is not None else {}
    return {"path": path, "line": line, "column": column, **where, "symbol": symbol, "kind": kind,
            "status": found_status, "replacement": replacement, "guide": guide}


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
