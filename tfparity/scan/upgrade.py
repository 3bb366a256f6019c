"""``--compare-upgrade``: what the installed ``tf_upgrade_v2`` does with each finding.

The tool converts a copy of the scanned files (``tfparity.scan.convert``), and each finding gets the
outcome the tool's report and output show for it: flagged (a WARNING or ERROR at its column or
naming its symbol; for a file the tool cannot parse, only the parse error counts as flagged),
renamed to compat.v1, native (rewritten to a TF2 spelling), changed meaning (a silent change
left in place or rewritten the wrong way round), or left untouched.
"""
import ast
import collections
import functools
import pathlib
import tempfile

from tfparity.scan import knowledge, resolve, sources
from tfparity.scan.convert import convert

# What tf_upgrade_v2 did with a finding: the outcomes, in the order the page's columns give them.
OUTCOMES = ("flagged", "renamed to compat.v1", "native", "changed meaning", "left untouched")
# The TF2 keyword that must receive a TF1 positional argument for the call to keep its meaning.
CARRIES = {"split_dim": "axis", "concat_dim": "axis", "keep_prob": "rate"}


def _call_at(tree, names, line, symbol):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line and resolve.resolve(node.func, names) == symbol:
            return node
    return None


def _meaning_kept(finding, before, after, table):
    """Whether the tool's rewrite of a silent change passes each argument where TF1 meant it."""
    calls = [_call_at(*_parsed(text), finding["line"], finding["symbol"]) for text in (before, after)]
    if None in calls or finding["kind"] == "other API":
        return True  # rewritten beyond recognition, or to another name: count it as converted
    old, new = calls
    keywords = {k.arg: ast.unparse(k.value) for k in new.keywords}
    if finding["kind"] == "gradient into labels":
        return "stop_gradient" in keywords.get("labels", "")
    moved = table["positional"][finding["symbol"]]
    argument = ast.unparse(old.args[moved["position"]])
    return argument in keywords.get(CARRIES.get(moved["tf1"], moved["tf1"]), "")


@functools.lru_cache(maxsize=64)
def _parsed(text):
    tree = ast.parse(text)
    return tree, resolve.bindings([tree])


def _untouched(finding, before, after):
    """Whether the tool left the call (or, for a use that is no call, the line) as it was."""
    calls = [_call_at(*_parsed(text), finding["line"], finding["symbol"]) for text in (before, after)]
    if None not in calls:
        return ast.dump(calls[0]) == ast.dump(calls[1])
    old, new = before.splitlines(), after.splitlines()
    return len(old) == len(new) and old[finding["line"] - 1] == new[finding["line"] - 1]


def outcome(finding, entries, before, after, failed, table):
    if failed:  # the tool reported the file as unparsable and converted none of it
        return "flagged" if finding["kind"] == "syntax" else "left untouched"
    here = entries.get(finding["line"], [])
    mine = [(level, m) for column, level, m in here
            if column == finding["column"] or finding["symbol"].split("(")[0] in m]
    if any(level != "INFO" for level, _ in mine):
        return "flagged"
    mine = [m for _, m in mine]
    silent = finding["status"] == "meaning changed"
    if not mine or after is None or _untouched(finding, before, after):  # reported, maybe, not rewritten
        return "changed meaning" if silent else "left untouched"
    if any("Renamed" in m and "tf.compat.v1." in m for m in mine):
        return "renamed to compat.v1"
    if silent and not _meaning_kept(finding, before, after, table):
        return "changed meaning"
    return "native"


def compare(files, found, table):
    """Each finding gets an ``upgrade`` outcome (in place); returns the counts per outcome and status."""
    with tempfile.TemporaryDirectory() as folder:
        converted = convert(files, pathlib.Path(folder))
    texts = {path: sources.flat_script(path) if str(path).endswith(".ipynb") else
             sources.read(path).decode("utf-8", "replace") for path in converted}
    for finding in found:
        path = next((p for p in converted if str(p) == finding["path"]), None)
        if path is None:
            finding["upgrade"] = "flagged"
            continue
        entries, after, failed = converted[path]
        finding["upgrade"] = outcome(finding, entries, texts[path], after, failed, table)
    per_outcome = collections.Counter(f["upgrade"] for f in found)
    by_status = collections.defaultdict(collections.Counter)
    for f in found:
        by_status[f["status"]][f["upgrade"]] += 1
    return {"tool": "tf_upgrade_v2", "files": len(files),
            "files_not_converted": sum(failed for _, _, failed in converted.values()), "per_outcome": {o: per_outcome[o] for o in OUTCOMES},
            "per_status": {s: {o: c[o] for o in OUTCOMES} for s, c in sorted(by_status.items())},
            "guide": knowledge.API_MAP}
