"""Writing checkpoints whole: root objects built from a map's paths, and files written in a
temporary folder beside the target and renamed into place, index last. A target folder that
does not exist yet is built inside the temporary folder and renamed into place whole, so a
failure or Ctrl-C leaves nothing: no half-written checkpoint, no empty folder."""
import os
import shutil
import tempfile

from tfparity.checkpoint.prefixes import CheckpointError, check_folder, files  # noqa: F401 (raised here too)
from tfparity.core.quiet import import_tensorflow
from tfparity.core.signals import deferred

tf = import_tensorflow()
STAGING_PREFIX = ".tfparity-checkpoint-"  # the temporary folder beside the target, removed in every case


def tree(mapping, values):
    """Root objects holding a tf.Variable at each mapped path: nested dicts, which TensorFlow tracks
    by key, so any part a map allows ("name", "0", "my-layer") is one edge of the object graph."""
    roots = {}
    for name, path in mapping.items():
        *parents, leaf = path.split(".")
        node = roots
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = tf.Variable(values[name], name="variable")  # keys, not variable names, are saved
    return roots


def _replace(staging, dst):
    """Move the checkpoint files written under ``staging`` to the prefix ``dst``, index last, then
    remove the shards of a replaced checkpoint that the new one does not have."""
    base = os.path.join(staging, "ckpt")
    old = set(files(dst))
    written = sorted((f[len("ckpt"):] for f in os.listdir(staging) if f.startswith("ckpt.")),
                     key=lambda suffix: suffix == ".index")
    for suffix in written:
        os.replace(base + suffix, dst + suffix)
    for stale in old - {dst + suffix for suffix in written}:
        os.unlink(stale)


def staged(dst, write):
    """``write(prefix)`` into a temporary folder beside ``dst`` (or beside the first of its folders
    that does not exist yet), then the files renamed to ``dst``; an OSError is one line."""
    base, missing = check_folder(os.path.dirname(os.path.abspath(dst)), dst)
    staging = None
    try:
        with deferred():
            staging = tempfile.mkdtemp(dir=base, prefix=STAGING_PREFIX)
        if missing:  # built whole inside the staging folder, then one rename makes it appear
            inside = os.path.join(staging, *missing)
            os.makedirs(inside)
            write(os.path.join(inside, os.path.basename(dst)))
            with deferred():
                os.rename(os.path.join(staging, missing[0]), os.path.join(base, missing[0]))
        else:
            write(os.path.join(staging, "ckpt"))
            with deferred():
                _replace(staging, dst)
    except OSError as error:
        raise CheckpointError(f"cannot write {dst}: {error.strerror or error}") from None
    except tf.errors.OpError as error:  # TensorFlow's own writer: a full disk, a folder gone
        raise CheckpointError(f"cannot write {dst}: {str(error.message).strip().splitlines()[0]}") from None
    finally:
        if staging is not None:
            with deferred():
                shutil.rmtree(staging, ignore_errors=True)
