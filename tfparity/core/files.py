"""Writing files that are ours only: atomic writes, refused targets, a folder rebuilt aside.

A write goes to a temporary file beside the target and is renamed over it, with SIGINT and
SIGTERM held until that is done, so a reader sees the old file or the new one, never part of
one, and no ``.tmp-*`` file is left behind. Only a regular file or a new path is written:
device nodes, folders, pipes and symbolic links are refused (a symlink's target is not ours
to replace), read-only files too unless ``force``; an overwritten file keeps its mode.
"""
import contextlib
import os
import pathlib
import shutil
import stat
import tempfile

from tfparity.core.signals import deferred

TEMPORARY_PREFIX = ".tmp-"  # hidden, and one pattern for anything left by a power cut

KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
         (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"))


class NotWritable(ValueError):
    """A target this program will not replace; the message is one line."""


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
    if status is not None and not force and (not status.st_mode & 0o222 or not os.access(path, os.W_OK)):
        raise NotWritable(f"{path} is read-only; pass --force to replace it (its mode is kept)")
    return status


def write_atomic(path, text, force=False):
    """Write ``text`` (str or bytes) to ``path`` via a temporary file in its folder and a rename."""
    status = check_target(path, force)
    mode = stat.S_IMODE(status.st_mode) if status else 0o666 & ~_umask()
    folder, name = os.path.split(os.path.abspath(path))
    with deferred():
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=TEMPORARY_PREFIX, suffix=name)
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


@contextlib.contextmanager
def staged_folder(folder):
    """A copy of ``folder`` to rebuild; swapped in by two renames when the block succeeds,
    removed when it fails or is interrupted, so ``folder`` is the old one or the new one."""
    folder = pathlib.Path(os.path.realpath(folder))
    staging = None
    try:
        with deferred():
            staging = pathlib.Path(tempfile.mkdtemp(dir=folder.parent, prefix=f"{TEMPORARY_PREFIX}{folder.name}-"))
        if folder.is_dir():
            shutil.copytree(folder, staging, symlinks=True, dirs_exist_ok=True)  # and its mode
        else:
            staging.chmod(0o777 & ~_umask())
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
