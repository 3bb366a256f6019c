"""Checkpoint prefixes on disk, without TensorFlow: the files a prefix names, whether two
spellings name one checkpoint, and whether a prefix may be read or written.

A checkpoint at prefix ``P`` is the files ``P.index`` and ``P.data-00000-of-00001`` (one per
shard). Every refusal is a ``CheckpointError`` with one line, answered before TensorFlow loads:
the command checks here first, and ``convert`` checks again once a folder is resolved to the
prefix of its latest checkpoint.
"""
import ast
import glob
import os
import re
import stat
import tempfile

from tfparity.core.files import KINDS, TEMPORARY_PREFIX
from tfparity.core.signals import deferred

INDEX = ".index"
SHARD = re.compile(r"\.data-\d{5}-of-\d{5}$")  # P.data-00000-of-00001: the shards of a checkpoint's values
WRITTEN_SHARD = ".data-00000-of-00001"  # the one shard the writers here produce
STATE = "checkpoint"  # the file a TF1 Saver keeps beside its checkpoints, naming the latest
LATEST = re.compile(r'^model_checkpoint_path:\s*("(?:[^"\\]|\\.)*")\s*$', re.M)  # its line naming the latest
STATE_BYTES = 2 ** 20  # a state file is a line per kept checkpoint: more is not one
# An index is a table whose last 8 bytes are this number (tsl/lib/io/format.h: kTableMagicNumber,
# little-endian, the end of a 48-byte footer): anything else makes TensorFlow's reader fail later.
TABLE_MAGIC = (0xdb4775248b80fb57).to_bytes(8, "little")
FOOTER_BYTES = 48
USAGE = "a checkpoint prefix is the path before .index, e.g. ckpt/model.ckpt"


class CheckpointError(ValueError):
    """Bad input: one line naming the variable or file."""


def files(prefix):
    """The files of the checkpoint at ``prefix`` that exist (or are links): its index and its shards."""
    found = [prefix + INDEX] if os.path.lexists(prefix + INDEX) else []
    return found + sorted(glob.glob(glob.escape(prefix) + ".data-?????-of-?????"))


def names(prefix):
    """The files writing a checkpoint at ``prefix`` may create or replace."""
    return sorted({prefix + INDEX, prefix + WRITTEN_SHARD, *files(prefix)})


def kind(mode):
    """What a file of ``mode`` is, for a message: "a named pipe", "a folder", ..."""
    return next((name for test, name in KINDS if test(mode)), "not a regular file")


def _same(a, b):
    """Whether paths ``a`` and ``b`` are one file: one spelling through links and '..', or one inode."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # either does not exist (yet)
        return False


def overlaps(prefix, paths):
    """The first of ``paths`` that is a file of the checkpoint at ``prefix``, or would be written there."""
    return next((path for path in paths for mine in names(prefix) if _same(mine, path)), None)


def _file_name(prefix, what):
    """Refuse a path that names one of a checkpoint's files rather than its prefix."""
    if not prefix:
        raise CheckpointError(f"{what} is empty: {USAGE}")
    for suffix in (INDEX, *SHARD.findall(prefix)):
        if prefix.endswith(suffix):
            raise CheckpointError(f"{what} {prefix} names a file of a checkpoint: give the prefix, "
                                  f"{prefix[:-len(suffix)]}")


def _nearby(prefix):
    """Prefixes of checkpoints beside ``prefix`` that start with its name (a Saver adds -STEP)."""
    found = glob.glob(glob.escape(prefix) + "*" + INDEX)
    return sorted(path[:-len(INDEX)] for path in found)[:3]


def latest(folder, what="SRC"):
    """The prefix of the latest checkpoint the Saver's state file in ``folder`` names (as
    ``tf.train.latest_checkpoint`` reads it: a relative path is relative to the folder)."""
    state = os.path.join(folder, STATE)
    try:
        if not os.path.isfile(state):
            raise CheckpointError(f"{what} {folder} is a folder without a '{STATE}' file naming its latest "
                                  f"checkpoint: give a checkpoint's prefix ({USAGE})")
        with open(state, "rb") as file:
            text = file.read(STATE_BYTES).decode("ascii", errors="replace")  # protobuf text: octal escapes
    except OSError as error:
        raise CheckpointError(f"cannot read {what} {folder}: {state}: {error.strerror}") from None
    found = LATEST.search(text)
    try:
        named = ast.literal_eval("b" + found.group(1)).decode("utf-8") if found else None
    except (ValueError, SyntaxError):  # UnicodeDecodeError among them
        named = None
    if not isinstance(named, str) or not named:
        raise CheckpointError(f"{what} {folder}: its '{STATE}' file names no checkpoint (no model_checkpoint_path)")
    return os.path.join(folder, named)


def check_source(prefix, what="SRC"):
    """A checkpoint to read: its index and shards are regular files (a pipe would block the
    reader), or it is a folder whose Saver's ``checkpoint`` file names such a checkpoint."""
    _file_name(prefix, what)
    if os.path.isdir(prefix):
        prefix = latest(prefix, what)
        what = f"{what}'s latest checkpoint"
    present = files(prefix)
    if prefix + INDEX not in present:
        close = _nearby(prefix)
        raise CheckpointError(f"{what} {prefix}: no checkpoint there, {prefix}{INDEX} does not exist"
                              + (f" (found {', '.join(close)})" if close else f" ({USAGE})"))
    for path in present:
        try:
            mode = os.stat(path).st_mode
        except OSError as error:
            raise CheckpointError(f"cannot read {what} {prefix}: {path}: {error.strerror}") from None
        if not stat.S_ISREG(mode):
            raise CheckpointError(f"{what} {prefix}: {path} is {kind(mode)}, not a checkpoint file")
        if not os.access(path, os.R_OK):
            raise CheckpointError(f"cannot read {what} {prefix}: {path} is not readable")
    _check_index(prefix + INDEX, f"{what} {prefix}")


def _check_index(index, what):
    try:
        with open(index, "rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(size - len(TABLE_MAGIC), 0))
            tail = file.read()
    except OSError as error:
        raise CheckpointError(f"cannot read {what}: {index}: {error.strerror}") from None
    if size < FOOTER_BYTES or tail != TABLE_MAGIC:
        raise CheckpointError(f"{what} is not a checkpoint: {index} is not a TensorFlow index "
                              f"({size:,} bytes{' without its table footer' if size >= FOOTER_BYTES else ''})")


def existing_folder(folder):
    """The deepest folder of ``folder``'s path that exists, and the names below it still to create."""
    folder, missing = os.path.abspath(folder), []
    while not os.path.lexists(folder):
        folder, name = os.path.split(folder)
        missing.insert(0, name)
    return folder, missing


def check_target(prefix, sources=(), inputs=(), force=False, what="DST"):
    """A checkpoint to write at ``prefix``: none of its files is a file of a checkpoint being
    read (at ``sources``) or another input (``inputs``); not an existing checkpoint unless
    ``force``; in a folder that exists or can be created."""
    _file_name(prefix, what)
    if prefix.endswith(("/", os.sep)) or os.path.isdir(prefix):
        raise CheckpointError(f"{what} {prefix} is a folder, and a prefix names files: give one inside it, "
                              f"e.g. {os.path.join(prefix, 'model')}")
    for source in sources:
        if overlaps(prefix, names(latest(source) if os.path.isdir(source) else source)):
            raise CheckpointError(f"{what} {prefix} is the checkpoint being read ({source}): write to another prefix")
    clash = overlaps(prefix, inputs)
    if clash is not None:
        raise CheckpointError(f"{what} {prefix} would replace {clash}, which is being read: write to another prefix")
    present = files(prefix)
    for path in present:
        mode = os.lstat(path).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            raise CheckpointError(f"cannot write {what} {prefix}: {path} is {kind(mode)}")
    if present and not force:
        raise CheckpointError(f"{what} {prefix} is a checkpoint already ({present[0]}): pass --force to replace it")
    check_folder(os.path.dirname(os.path.abspath(prefix)), prefix)


def check_folder(folder, what):
    """A folder to write in: it exists and is writable, or its deepest existing part is a
    writable folder the rest can be created in."""
    base, missing = existing_folder(folder)
    if not os.path.isdir(base):
        raise CheckpointError(f"cannot write {what}: {base} is not a folder")
    try:  # a real write: root may write where the mode says no, and no one on a read-only file system
        with deferred():
            os.rmdir(tempfile.mkdtemp(dir=base, prefix=TEMPORARY_PREFIX))
    except OSError as error:
        raise CheckpointError(f"cannot write {what}: folder {base}: {error.strerror}") from None
    return base, missing


def check_output(path, option, reading=(), writing=(), inputs=()):
    """An output file (``--json``, ``--write-map``) that is none of the files of the checkpoints
    ``reading`` (prefixes or folders; with the Saver's state file beside them) and ``writing``,
    and none of the ``inputs`` files."""
    for prefix in reading:
        prefix = latest(prefix) if os.path.isdir(prefix) else prefix
        state = os.path.join(os.path.dirname(prefix), STATE)
        if overlaps(prefix, [path]) or (os.path.exists(state) and _same(state, path)):
            raise CheckpointError(f"cannot write {option} {path}: it is a file of the checkpoint {prefix}, "
                                  f"which is being read")
    for prefix in writing:
        if overlaps(prefix, [path]):
            raise CheckpointError(f"cannot write {option} {path}: it is a file of the checkpoint {prefix}, "
                                  f"which is being written")
    clash = next((source for source in inputs if _same(source, path)), None)
    if clash is not None:
        raise CheckpointError(f"cannot write {option} {path}: it is {clash}, which is being read")
