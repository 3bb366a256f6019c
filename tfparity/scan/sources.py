"""What to scan: files and folders given on the command line, and each file's code as parse units.

A ``.py`` file is one unit. A notebook (``.ipynb``, format 4 or the older 3) is one unit per code
cell, numbered from 1, with IPython magics and shell lines (``%``, ``!``) blanked so line numbers
stay; its flat line numbers run on across its code cells, as in ``jupyter nbconvert --to script``
without the headers.
"""
import json
import os
import pathlib

SUFFIXES = (".py", ".ipynb")  # what a folder is searched for: Python files and notebooks
# Folders no one means to scan when naming a tree: environments, caches, checkpoints, VCS.
SKIPPED = {".git", ".hg", ".venv", "venv", "__pycache__", "site-packages", ".ipynb_checkpoints", ".tox"}


class BadInput(Exception):
    """A path that does not exist or a file that cannot be read: exit status 2."""


def shown(path):
    """``path`` for a one-line message: as given, or quoted if it holds a newline or another control."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def collect(paths):
    """Every file to scan, in a stable order: files as given, folders recursed for SUFFIXES."""
    files = []
    for given in paths:
        path = pathlib.Path(given)
        if path.is_dir():
            for folder, subfolders, names in os.walk(path):
                subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED)
                files += [pathlib.Path(folder) / n for n in sorted(names) if n.endswith(SUFFIXES)]
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            raise BadInput(f"no such file or folder: {shown(given)}")
    return files


def _read(path):
    try:
        return path.read_bytes()
    except OSError as error:
        raise BadInput(f"cannot read {shown(path)}: {error.strerror or error}") from None


def _blank_magics(line):
    return "" if line.lstrip().startswith(("%", "!")) else line


def notebook_cells(data):
    """[(cell number from 1, code)] of a notebook's code cells; ValueError if it is not one."""
    try:
        document = json.loads(data)
        cells = document["cells"] if "cells" in document else document["worksheets"][0]["cells"]  # v4, v3
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise ValueError(f"not a notebook: {error!r}") from None
    found = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", cell.get("input", ""))
            text = "".join(source) if isinstance(source, list) else str(source)
            found.append((len(found) + 1, "\n".join(_blank_magics(line) for line in text.split("\n"))))
    return found


def units(path):
    """[(cell or None, lines before the unit, code)]: the parse units of one file; the code of a
    notebook that is not one is the ValueError saying so."""
    path = pathlib.Path(path)
    data = _read(path)
    if path.suffix != ".ipynb":
        return [(None, 0, data)]
    try:
        cells = notebook_cells(data)
    except ValueError as error:
        return [(None, 0, error)]  # a unit that does not parse: reported as a finding, not raised
    found, offset = [], 0
    for number, code in cells:
        found.append((number, offset, code))
        offset += code.count("\n") + 1
    return found


def flat_script(path):
    """A notebook's code cells as one script whose line numbers are the flat ones (tf_upgrade_v2 reads it)."""
    return "\n".join(code for _, code in notebook_cells(_read(pathlib.Path(path)))) + "\n"
