"""What to scan: files and folders given on the command line, and each file's code as parse units.

A ``.py`` file is one unit. A notebook (``.ipynb``, format 4 or the older 3) is one unit per code
cell, numbered from 1, with IPython magics and shell lines (``%``, ``!``) blanked so line numbers
stay; its flat line numbers run on across its code cells, as in ``jupyter nbconvert --to script``
without the headers. A cell magic (``%%bash``, ``%%writefile``...) makes its whole cell another
language, blanked too, except the few whose body IPython runs as Python (``%%time``...).

Only regular files are read, and only up to ``MAX_BYTES``: a pipe, a device or a socket is refused
by its type before it is opened (named on the command line: bad input; met in a folder, like a
link to nothing: skipped and reported, as it holds no source of its own), so nothing blocks or
reads without end. A folder that cannot be read, named or below one, is bad input: it may hold
source, and a scan that missed it would report less than there is.
"""
import errno
import json
import os
import pathlib
import re
import stat

SUFFIXES = (".py", ".ipynb")  # what a folder is searched for: Python files and notebooks
# Folders no one means to scan when naming a tree: environments, caches, checkpoints, VCS.
SKIPPED = {".git", ".hg", ".venv", "venv", "__pycache__", "site-packages", ".ipynb_checkpoints", ".tox"}
# The most a file is read to: GitHub refuses files over 100 MB, so no source file anyone shares is
# larger; the largest real ones are notebooks with their outputs (tens of MB), hand-written modules
# are kilobytes and generated ones (protobuf, tables) a few MB.
MAX_BYTES = 128 * 2**20
# What a file that is not one is, by its type: the one line that refuses or skips it.
KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
         (stat.S_ISSOCK, "a socket"))
# Cell magics whose body IPython runs as Python (the magic line is blanked, the body scanned); any
# other cell magic (%%bash, %%html, %%writefile, %%javascript...) holds another language.
PYTHON_CELL_MAGICS = {"time", "timeit", "capture", "prun", "debug"}
# An IPython line that is no Python: a magic or a shell escape, alone or assigned (files = !ls).
MAGIC_LINE = re.compile(r"\s*(?:[%!]|[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*[%!])")


class BadInput(Exception):
    """A path that does not exist or a file that cannot be read: exit status 2."""


class NotANotebook(ValueError):
    """Valid JSON that is no notebook (its cells not a list, a cell without a type, a source that is
    not text): bad input, exit status 2. JSON that does not parse is a file that does not parse
    instead: a finding, as a Python syntax error is."""


def shown(path):
    """``path`` for a one-line message: as given, or quoted if it holds a newline or another control."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def _json_kind(value):
    """What a JSON value is, in JSON's words."""
    return {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}.get(
        type(value), "a number")


def _kind(path, mode):
    """What ``path`` is by its (followed) ``mode``, with the link it was reached through."""
    kind = next((kind for test, kind in KINDS if test(mode)), "not a regular file")
    return f"{kind} (through a link to {shown(os.path.realpath(path))})" if os.path.islink(path) else kind


def _walk_error(error):
    raise BadInput(f"cannot read folder {shown(error.filename)}: {error.strerror or error}")


def walk(paths):
    """(files to scan, [(path, why)] skipped): files as given, folders recursed for SUFFIXES, in a
    stable order, each file once however it is spelled; ``BadInput`` for a path that cannot be
    scanned (missing, a special file, an unreadable folder anywhere below a folder given)."""
    files, skipped, seen = [], [], set()

    def add(path, named):
        try:
            info = os.stat(path)
        except OSError as error:
            if named or not os.path.islink(path) or error.errno not in (errno.ENOENT, errno.ELOOP):
                files.append(path)  # reading it says why it cannot be read
            else:  # an editor's lock link (.#name.py), a link into what was removed: no source
                skipped.append((path, "a symbolic link to nothing"))
            return
        if not stat.S_ISREG(info.st_mode):
            if named:
                raise BadInput(f"{shown(path)} is {_kind(path, info.st_mode)}, not a file: not read")
            skipped.append((path, f"{_kind(path, info.st_mode)}, not a file"))
        elif (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            files.append(path)

    for given in paths:
        if not given:
            raise BadInput("an empty path names nothing (an unset variable?)")
        path = pathlib.Path(given)
        try:
            folder = stat.S_ISDIR(os.stat(path).st_mode)
        except OSError as error:
            if error.errno in (errno.ENOENT, errno.ENOTDIR) and not os.path.islink(path):
                raise BadInput(f"no such file or folder: {shown(given)}") from None
            folder = False  # a link to nothing, a loop, a file in a folder not ours: reading it says which
        if not folder:
            add(path, named=True)
            continue
        for below, subfolders, names in os.walk(path, onerror=_walk_error):
            subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED)
            for name in sorted(names):
                if name.endswith(SUFFIXES):
                    add(pathlib.Path(below) / name, named=False)
    return files, skipped


def collect(paths):
    """Every file to scan (``walk`` without what it skipped)."""
    return walk(paths)[0]


def read(path):
    """The bytes of the regular file at ``path``, at most MAX_BYTES; ``BadInput`` for anything else.
    Its type is checked before it is opened, and again on what was opened (a file swapped between)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise BadInput(f"{shown(path)} is {_kind(path, info.st_mode)}, not a file: not read")
        if info.st_size > MAX_BYTES:
            raise BadInput(f"{shown(path)} is {info.st_size / 2**20:,.0f} MiB, over the {MAX_BYTES // 2**20} MiB "
                           "a source file is read to: not a source file")
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:  # a pipe swapped in: no wait
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise BadInput(f"{shown(path)} is not a file: not read")
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:  # more than its size said (/proc, or growing): read on, capped
                data += handle.read(MAX_BYTES + 1 - len(data))
    except OSError as error:
        raise BadInput(f"cannot read {shown(path)}: {error.strerror or error}") from None
    if len(data) > MAX_BYTES:
        raise BadInput(f"{shown(path)} holds more than the {MAX_BYTES // 2**20} MiB a source file is read to: "
                       "not a source file")
    return data


def _cell_code(text):
    """A code cell's Python: magics and shell lines blanked, or all of it for a cell magic of
    another language; as many lines as the cell has."""
    lines = text.split("\n")
    first = next((line.lstrip() for line in lines if line.strip()), "")
    if first.startswith("%%") and (first[2:].split() or [""])[0] not in PYTHON_CELL_MAGICS:
        return "\n" * (len(lines) - 1)
    return "\n".join("" if MAGIC_LINE.match(line) else line for line in lines)


def _cells(document):
    """Every cell of a notebook document (format 4, or 3's worksheets); NotANotebook if it has none."""
    if not isinstance(document, dict):
        raise NotANotebook(f"its JSON is {_json_kind(document)}, not an object with cells")
    if "cells" in document:
        cells = document["cells"]
    elif isinstance(document.get("worksheets"), list) and all(
            isinstance(w, dict) and isinstance(w.get("cells"), list) for w in document["worksheets"]):
        cells = [cell for worksheet in document["worksheets"] for cell in worksheet["cells"]]
    else:
        raise NotANotebook("it has no 'cells' list (nor format 3 'worksheets' with cells)")
    if not isinstance(cells, list):
        raise NotANotebook(f"its 'cells' is {_json_kind(cells)}, not a list")
    return cells


def notebook_cells(data):
    """[(cell number from 1, code)] of a notebook's code cells; ValueError if its JSON does not
    parse, NotANotebook if it is JSON but no notebook."""
    try:
        document = json.loads(data)  # a ValueError of its own (with the line) if it does not parse
    except RecursionError:
        raise ValueError("nested too deeply to read") from None
    found = []
    for index, cell in enumerate(_cells(document), 1):
        if not isinstance(cell, dict):
            raise NotANotebook(f"cell {index} (of all its cells, from 1) is {_json_kind(cell)}, not an object")
        if not isinstance(cell.get("cell_type"), str):
            raise NotANotebook(f"cell {index} (of all its cells, from 1) has no 'cell_type'")
        if cell["cell_type"] != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotANotebook(f"code cell {len(found) + 1}'s source is not text (a string or a list of strings)")
        found.append((len(found) + 1, _cell_code(source)))
    return found


def _notebook_cells(path, data):
    try:
        return notebook_cells(data)
    except NotANotebook as error:
        raise BadInput(f"{shown(path)} is not a notebook: {error}") from None


def units(path):
    """[(cell or None, lines before the unit, code)]: the parse units of one file; the code of a
    notebook whose JSON does not parse is the ValueError saying so."""
    path = pathlib.Path(path)
    data = read(path)
    if path.suffix != ".ipynb":
        return [(None, 0, data)]
    try:
        cells = _notebook_cells(path, data)
    except ValueError as error:
        return [(None, 0, error)]  # a unit that does not parse: reported as a finding, not raised
    found, offset = [], 0
    for number, code in cells:
        found.append((number, offset, code))
        offset += code.count("\n") + 1
    return found


def flat_script(path):
    """A notebook's code cells as one script whose line numbers are the flat ones (tf_upgrade_v2 reads it)."""
    path = pathlib.Path(path)
    return "\n".join(code for _, code in _notebook_cells(path, read(path))) + "\n"
