"""Writing files that are ours only: atomic writes, refused targets, a folder rebuilt aside.

A write goes to a temporary file beside the target and is renamed over it, with SIGINT and
SIGTERM held until that is done, so a reader sees the old file or the new one, never part of
one, and no ``.tmp-*`` file is left behind. Only a regular file or a new path is written:
device nodes, folders, pipes and symbolic links are refused (a symlink's target is not ours
to replace), read-only files too unless ``force``; an overwritten file keeps its mode.

The command's own temporary files (TensorFlow's generated ``__autograph_generated_file*.py``, the
bench's folders, its children's) go into one private folder, removed however the command ends.
"""
import atexit
import contextlib
import os
import pathlib
import shutil
import stat
import tempfile

from tfparity.core import signals
from tfparity.core.signals import deferred

TEMPORARY_PREFIX = ".tmp-"  # hidden, and one pattern for anything left by a power cut
# Bytes of the target's name a temporary file beside it carries, to tell whose it is: with the
# prefix and tempfile's 8 random characters, within the 255 bytes a file name may have.
TEMPORARY_NAME_BYTES = 128
# The command's private temporary folder: PRIVATE_PREFIX + its process id + "-" + random, in the
# system's temporary folder; the process id tells the next start which ones a killed run left.
PRIVATE_PREFIX = "tfparity-"

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


def kind_of(path):
    """What is at ``path`` (following links), in words: "a named pipe", "a regular file", ..."""
    mode = os.stat(path).st_mode
    return next((name for test, name in KINDS if test(mode)), "a regular file")


class NotWritable(ValueError):
    """A target this program will not replace; the message is one line."""


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _read_only(path, status):
    return not status.st_mode & 0o222 or not os.access(path, os.W_OK)


def check_target(path, force=False):
    """The ``os.stat_result`` of the regular file at ``path``, or None for a new path;
    ``NotWritable`` for anything else."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if path.endswith(os.sep):
        raise NotWritable(f"{path} names a folder, not a file")
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise NotWritable(f"{path}: {error.strerror}") from None
    if status is not None and stat.S_ISLNK(status.st_mode):
        raise NotWritable(f"{path} is a symbolic link; not replacing it or its target "
                          f"({os.path.realpath(path)}): give the target's own path")
    for test, kind in KINDS:
        if status is not None and test(status.st_mode):
            raise NotWritable(f"{path} is {kind}, not a regular file")
    if not os.path.isdir(folder):
        raise NotWritable(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise NotWritable(f"{path}: folder {folder} is not writable")
    if status is not None and not force and _read_only(path, status):
        raise NotWritable(f"{path} is read-only; pass --force to replace it (its mode is kept)")
    return status


def _shortened(name):
    return name.encode()[:TEMPORARY_NAME_BYTES].decode(errors="ignore")


def write_atomic(path, text, force=False):
    """Write ``text`` (str or bytes) to ``path`` via a temporary file in its folder and a rename."""
    status = check_target(path, force)
    mode = stat.S_IMODE(status.st_mode) if status else 0o666 & ~_umask()
    folder, name = os.path.split(os.path.abspath(path))
    with deferred():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX, suffix=_shortened(name))
        try:
            binary = isinstance(text, bytes)
            with os.fdopen(handle, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as out:
                out.write(text)
            os.chmod(temporary, mode)  # mkstemp's 0600 would hide results from others
            if status and (status.st_uid, status.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(PermissionError):  # root replacing another user's file
                    os.chown(temporary, status.st_uid, status.st_gid)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise


def read_only_files(folder):
    """The read-only regular files under ``folder`` (links not followed), those a rebuild needs ``force`` for."""
    for path in sorted(pathlib.Path(folder).rglob("*")):
        status = path.lstat()
        if stat.S_ISREG(status.st_mode) and _read_only(path, status):
            yield path


@contextlib.contextmanager
def thawed(paths):
    """The read-only regular files among ``paths`` made writable by their owner for the block, for
    writers that do not take ``force``; each has its mode back afterwards, replaced or not."""
    frozen = {}
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            status = os.lstat(path)
            if stat.S_ISREG(status.st_mode) and _read_only(path, status):
                frozen[path] = stat.S_IMODE(status.st_mode)
    try:
        for path, mode in frozen.items():
            os.chmod(path, mode | stat.S_IWUSR)
        yield
    finally:
        for path, mode in frozen.items():
            with contextlib.suppress(FileNotFoundError):
                if stat.S_ISREG(os.lstat(path).st_mode):
                    os.chmod(path, mode)


def _special_files(folder):
    """What in ``folder`` is neither a regular file, a folder nor a link (links are not followed)."""
    for parent, folders, names in os.walk(folder):
        for name in folders + names:
            mode = os.lstat(os.path.join(parent, name)).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                yield os.path.join(parent, name)


@contextlib.contextmanager
def staged_folder(folder, force=False):
    """A copy of ``folder`` to rebuild; swapped in by two renames when the block succeeds,
    removed when it fails or is interrupted, so ``folder`` is the old one or the new one.
    With ``force``, the read-only files of the copy may be replaced; each keeps its mode."""
    folder = pathlib.Path(os.path.realpath(folder))
    special = next(_special_files(folder), None)
    if special:  # copying a named pipe would block, a device be read without end
        raise NotWritable(f"cannot rebuild {folder}: {special} is {kind_of(special)}; the folder is copied "
                          "before it is rebuilt, and only files, folders and links are copied")
    staging = None
    try:
        with deferred():
            prefix = f"{TEMPORARY_PREFIX}{_shortened(folder.name)}-"
            staging = pathlib.Path(tempfile.mkdtemp(dir=folder.parent, prefix=prefix))
        if folder.is_dir():
            shutil.copytree(folder, staging, symlinks=True, dirs_exist_ok=True)  # and its mode
        else:
            staging.chmod(0o777 & ~_umask())
        with thawed(list(read_only_files(staging)) if force else ()):
            yield staging
        with deferred():
            old = staging.with_name(staging.name + "-old")  # unique as the staging folder is
            if folder.exists():
                os.replace(folder, old)
            try:
                os.replace(staging, folder)
            except OSError:
                if old.exists():
                    os.replace(old, folder)
                raise
            staging = old
    finally:
        if staging is not None:
            with deferred():
                shutil.rmtree(staging, ignore_errors=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _left_by_killed_runs(parent):
    """The private folders in ``parent`` that a run killed with SIGKILL (which no program can
    catch) left: ours by owner, named after a process that is gone."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(parent):
            pid = entry.name[len(PRIVATE_PREFIX):].partition("-")[0]
            if entry.name.startswith(PRIVATE_PREFIX) and pid.isdigit() and not _alive(int(pid)):
                with contextlib.suppress(OSError):
                    if entry.is_dir(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_uid == os.geteuid():
                        found.append(entry.path)
    return found


def _new_private_folder():
    """This process's private folder in the system's temporary folder (after removing those that
    killed runs left there), or None where no temporary folder is writable."""
    try:
        parent = tempfile.gettempdir()
        for stale in _left_by_killed_runs(parent):
            shutil.rmtree(stale, ignore_errors=True)
        with deferred():
            return tempfile.mkdtemp(prefix=f"{PRIVATE_PREFIX}{os.getpid()}-", dir=parent)
    except OSError:  # then nothing is written to a temporary folder either
        return None


def private_temporary_folder():
    """Make a temporary folder of this process's own ``TMPDIR`` (and ``tempfile``'s default) for the
    rest of its life and every child it starts; returns the function that removes it. That is
    registered with ``atexit`` now, before TensorFlow or matplotlib register their own removals of
    what they put there, so that it runs after them; a command that ends with ``os._exit`` (which
    runs no handler: interrupted) calls it itself. Folders that killed runs left are removed first."""
    folder = _new_private_folder()
    if folder is None:
        return lambda: None
    os.environ["TMPDIR"] = tempfile.tempdir = folder

    def remove():
        signals.ignore()  # the process is ending: a late Ctrl-C would only cut the removal short
        shutil.rmtree(folder, ignore_errors=True)
    atexit.register(remove)
    return remove
