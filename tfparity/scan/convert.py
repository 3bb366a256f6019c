"""The installed ``tf_upgrade_v2``, run once over a temporary copy of the scanned files.

A notebook is copied as the script of its code cells, so the tool's line numbers are the scan's
flat ones. The tool stops the whole tree at a file its own parser (pasta) cannot annotate; that
file is left out and the rest converted again.
"""
import collections
import os
import pathlib
import shutil
import subprocess
import sys

from tfparity.scan import sources

# Files the tool may crash on (its pasta parser fails on some valid code) before we call it broken.
MAX_CRASHES = 10


def tool():  # beside this Python, as tfparity.studies.upgrade runs it (another room: not imported)
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
    (folder / "tmp").mkdir()  # its own temporary files (one left per file it cannot decode) go with ours
    done = subprocess.run([tool(), "--intree", "in", "--outtree", "out", "--reportfile", "report.txt"],
                          capture_output=True, cwd=folder,  # relative paths: the report names files so
                          env=dict(os.environ, TMPDIR=str(folder / "tmp")))
    if done.returncode == 0:
        return None
    written = {p.name for p in (folder / "out").glob("*.py")}
    order = [entry.name for entry in os.scandir(source)]  # os.walk's order, which the tool follows
    crashed = next((name for name in order if name not in written), order[0])
    return next(copy for copy in copies if copy.name == crashed)


def convert(files, folder):
    """{file: (report entries, upgraded text or None, whether the tool gave up on it)}."""
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
