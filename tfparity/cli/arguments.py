"""Arguments: their types, and checks against what exists, before anything runs or TensorFlow loads.

Each check raises ``UsageError`` with one line naming the problem (exit status 2).
"""
import argparse
import importlib
import inspect
import math
import os

from shared_data import mnist
from tfparity.core import harness
from tfparity.core.exits import UsageError
from tfparity.core.files import NotWritable, check_target, kind_of

# Options any example may take (make_inputs parameters of these names; cli.py defines them). The
# others are declared by the examples themselves: OPTIONS in their shared_data module.
COMMON = ("learning_rate", "steps", "epochs", "download")


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, instead of argparse's usage block
        raise UsageError(message)


def path(text):
    """A path to write: an empty one is refused (``--json ''`` used to write nothing and exit 0, and
    ``docs --out ''`` to rebuild the checkout's own docs/)."""
    if not text:
        raise argparse.ArgumentTypeError("an empty path; give a file or folder name")
    return text


def output(parser, option, help, metavar="PATH"):
    """An option naming a file to write, and ``--force`` beside it: the message that refuses a
    read-only target offers --force, so every command with such an option has it."""
    parser.add_argument(option, metavar=metavar, type=path, help=help)
    if parser.get_default("force") is None:  # one --force per command, for all its outputs
        parser.add_argument("--force", action="store_true", help="let the outputs replace read-only files "
                            "(their mode is kept)")


def seed(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}")
    return value


def number(kind, maximum=math.inf, why=""):
    """A positive, finite ``kind`` (int or float) of at most ``maximum`` (``why``: the reason)."""
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}") from None
        if not math.isfinite(value) or value <= 0:
            raise argparse.ArgumentTypeError(f"must be positive and finite, got {text!r}")
        if value > maximum:
            raise argparse.ArgumentTypeError(f"at most {maximum:,} ({why}), got {text}")
        return value
    return parse


def declared():
    """The options the examples declare, merged by name into argparse settings: the first
    declaration's, with a help that gives each declaring example's own ("one: ...; other: ...")."""
    found = {}
    for name in harness.examples():
        for option, settings in getattr(module(name), "OPTIONS", {}).items():
            merged = found.setdefault(option, dict(settings, help=[]))
            merged["help"].append(f"{name}: {settings['help']}")
    return {option: dict(settings, help="; ".join(settings["help"])) for option, settings in found.items()}


def module(name):
    """The example's shared_data module alone (the twins would load TensorFlow)."""
    return importlib.import_module(f"{harness.PACKAGES[0]}.{name}")


def accepted(name):
    """make_inputs' parameters, read from shared_data alone."""
    return inspect.signature(module(name).make_inputs).parameters


def options(name, args):
    """The example options given on the command line, checked against make_inputs' parameters
    and, for the MNIST examples, against the number of images there are."""
    given = {k: getattr(args, k) for k in COMMON + tuple(declared()) if getattr(args, k, None) is not None}
    parameters = accepted(name)
    if "download" not in parameters:  # checked for the whole run: --all --download is fine
        given.pop("download", None)
    for key in given:
        if key not in parameters:
            raise UsageError(f"--{key.replace('_', '-')} does not apply to example {name}")
    available = ", ".join(f"{n} {split}" for split, n in mnist.IMAGES.items())
    for split, count in mnist.IMAGES.items():
        if given.get(f"{split}_size", 0) > count:
            raise UsageError(f"--{split}-size {given[f'{split}_size']}: MNIST has {count} {split} "
                             f"images (available: {available})")
    return given


def check_mnist(names=None, download=False):
    """The MNIST files that ``names`` (examples; None: a study of the command's own) will read, checked
    before TensorFlow loads: no folder, a missing file, a named pipe in a file's place. Returns them
    (every IDX file of the folders read), which no output may be; none when no MNIST is read."""
    readers = [name for name in names if "download" in accepted(name)] if names is not None else [None]
    if not readers:
        return []
    try:
        mnist.check(download=bool(download))
    except mnist.MnistError as error:
        raise UsageError(f"{readers[0]}: {error}" if readers[0] else str(error)) from None
    return mnist.files(download=bool(download))


def check_known(names):
    known = harness.examples()
    for name in names:
        if name not in known:
            raise UsageError(f"unknown example {name!r}; known: {', '.join(known)}")


def is_one_of(path, files):
    """The path among ``files`` that ``path`` is (the same real path: a link, another spelling; or,
    when both exist, the same inode: a hard link), or None."""
    try:
        target = os.stat(path)
    except OSError:
        target = None
    for other in files:
        if os.path.realpath(path) == os.path.realpath(other):
            return other
        try:
            if target is not None and os.path.samestat(target, os.stat(other)):
                return other
        except OSError:
            continue
    return None


def check_writable(path, force=False, option="--json", reads=(), replaces=False):
    """``path`` may be written: never one of ``reads`` (the files the run reads); what
    ``check_target`` refuses (a read-only file without ``force``, a link, a device) refused now; and
    an existing file only with ``force`` (one policy for every output), unless ``replaces``: an
    output that is always there to be replaced (bench --docs's record)."""
    read = is_one_of(path, reads)
    if read is not None:
        raise UsageError(f"cannot write {option} {path}: it is {read}, a file this run reads")
    try:
        existing = check_target(path, force)
    except NotWritable as error:
        raise UsageError(f"cannot write {option} {path}: {error}") from None
    if existing is not None and not force and not replaces:
        raise UsageError(f"cannot write {option} {path}: it exists; pass --force to replace it")


def from_make_inputs(error):
    """True when ``error`` was raised while an example's make_inputs checked its arguments."""
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_name == "make_inputs":
            return True
        frame = frame.tb_next
    return False


def check_folder(out):
    """A folder to rebuild: an existing folder or a new path in a writable folder."""
    target = os.path.realpath(out)
    if os.path.dirname(target) == target:  # it has no folder beside it to be rebuilt in, and holds every file
        raise UsageError(f"cannot write --out {out}: the root folder cannot be rebuilt")
    if os.path.exists(target) and not os.path.isdir(target):
        raise UsageError(f"cannot write --out {out}: {kind_of(target)}, not a folder")
    if not os.access(os.path.dirname(target), os.W_OK | os.X_OK):
        raise UsageError(f"cannot write --out {out}: {os.path.dirname(target)} is not a writable folder")
    return target


def in_example_code(error):
    """True when the traceback passes through an example's own modules."""
    folders = tuple(os.path.dirname(__import__(p).__file__) + os.sep for p in harness.PACKAGES)
    frame = error.__traceback__
    while frame is not None:
        if frame.tb_frame.f_code.co_filename.startswith(folders):
            return True
        frame = frame.tb_next
    return False
