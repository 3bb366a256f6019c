"""``--compare-upgrade``: what the installed ``tf_upgrade_v2`` does with each finding.

The scanned files are copied into a temporary tree (a notebook as the script of its code cells,
so its flat line numbers hold), the tool converts the tree in one run, and each finding gets the
outcome the tool's report and output show for it: flagged (a WARNING or ERROR at its column or
naming its symbol; for a file the tool cannot parse, only the parse error counts as flagged),
renamed to compat.v1, native (rewritten to a TF2 spelling), changed meaning (a silent change
left in place or rewritten the wrong way round), or left untouched.
"""
import ast
import collections
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

from tfparity.scan import knowledge, resolve, sources

OUTCOMES = ("flagged", "renamed to compat.v1", "native", "changed meaning", "left untouched")
# The TF2 keyword that must receive a TF1 positional argument for the call to keep its meaning.
CARRIES = {"split_dim": "axis", "concat_dim": "axis", "keep_prob": "rate"}
# Files the tool may crash on (its pasta parser fails on some valid code) before we call it broken.
MAX_CRASHES = 10


def tool():
    return str(pathlib.Path(sys.executable).with_name("tf_upgrade_v2"))


def report_entries(text):
    """{line: [(column from 1, level, message)]} from the tool's report (lines ``L:C: LEVEL: message``)."""
    entries = collections.defaultdict(list)
    for row in text.splitlines():
        place, _, rest = row.partition(": ")
        line, _, column = place.partition(":")
        level, _, message = rest.partition(": ")
        if line.isdigit() and column.isdigit() and level in ("INFO", "WARNING", "ERROR"):
            entries[int(line)].append((int(column) + 1, level, message))
    return entries


def _run(copies, folder):
    """One run of the tool over a tree of ``copies``; the copy it crashed on, if it did."""
    source = folder / "in"
    source.mkdir(parents=True)
    for copy in copies:
        shutil.copy(copy, source / copy.name)
    done = subprocess.run([tool(), "--intree", "in", "--outtree", "out", "--reportfile", "report.txt"],
                          capture_output=True, cwd=folder)  # relative paths: the report names files so
    if done.returncode == 0:
        return None
    written = {p.name for p in (folder / "out").glob("*.py")}
    order = [entry.name for entry in os.scandir(source)]  # os.walk's order, which the tool follows
    crashed = next((name for name in order if name not in written), order[0])
    return next(copy for copy in copies if copy.name == crashed)


def convert(files, folder):
    """{file: (report entries, upgraded text or None, whether the tool gave up on it)}.

    The files are copied into folder/all, then converted in one run; a file the tool crashes on
    (it stops the whole tree) is left out and the rest converted again."""
    (folder / "all").mkdir()
    copies = {}
    for index, path in enumerate(files):
        copy = folder / "all" / f"{index}.py"
        try:
            copy.write_text(sources.flat_script(path)) if str(path).endswith(".ipynb") else shutil.copy(path, copy)
        except ValueError:  # a notebook that is not one: nothing to convert
            continue
        copies[path] = copy
    if not pathlib.Path(tool()).exists():
        raise sources.BadInput(f"--compare-upgrade: no tf_upgrade_v2 beside {sys.executable}")
    pending, attempt = list(copies.values()), 0
    while pending and (crashed := _run(pending, folder / f"run{attempt}")):
        pending.remove(crashed)
        attempt += 1
        if attempt > MAX_CRASHES:  # not one file's trouble: the tool itself does not run
            raise sources.BadInput(f"--compare-upgrade: {tool()} failed on {attempt} files in a row")
    final = folder / f"run{attempt}"
    report = final / "report.txt"
    sections = report.read_text(errors="replace").split("Processing file '") if report.exists() else []
    per_copy = {s.split("'", 1)[0]: s for s in sections[1:]}
    result = {}
    for path, copy in copies.items():
        section = per_copy.get(f"in/{copy.name}", "")
        upgraded = final / "out" / copy.name
        failed = copy not in pending or "ERROR: Failed to parse" in section
        result[path] = (report_entries(section), None if failed or not upgraded.exists() else upgraded.read_text(),
                        failed)
    return result


def _call_at(tree, line, symbol, names):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.lineno == line and resolve.resolve(node.func, names) == symbol:
            return node
    return None


def _meaning_kept(finding, before, after, table):
    """Whether the tool's rewrite of a silent change passes each argument where TF1 meant it."""
    trees = [ast.parse(text) for text in (before, after)]
    calls = [_call_at(tree, finding["line"], finding["symbol"], resolve.bindings([tree])) for tree in trees]
    if None in calls or finding["kind"] == "other API":
        return True  # rewritten beyond recognition, or to another name: count it as converted
    old, new = calls
    keywords = {k.arg: ast.unparse(k.value) for k in new.keywords}
    if finding["kind"] == "gradient into labels":
        return "stop_gradient" in keywords.get("labels", "")
    moved = table["positional"][finding["symbol"]]
    argument = ast.unparse(old.args[moved["position"]])
    return argument in keywords.get(CARRIES.get(moved["tf1"], moved["tf1"]), "")


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
    if not mine or after is None:
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
             pathlib.Path(path).read_bytes().decode("utf-8", "replace") for path in converted}
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
