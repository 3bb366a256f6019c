"""Writing checkpoints whole: root objects built from a map's paths, and files written in a
temporary folder beside the target and renamed into place, index last."""
import os
import shutil
import tempfile

from tfparity.core.quiet import import_tensorflow

tf = import_tensorflow()


class CheckpointError(ValueError):
    """Bad input: one line naming the variable or file."""


def tree(mapping, values):
    """Root objects holding a tf.Variable at each mapped path."""
    roots = {}
    for name, path in mapping.items():
        *parents, leaf = path.split(".")
        if not parents:  # a root that is a variable itself: Checkpoint(step=tf.Variable(...))
            roots[leaf] = tf.Variable(values[name], name=name)
            continue
        node = roots.setdefault(parents[0], tf.Module(name=parents[0]))
        for part in parents[1:]:
            node = getattr(node, part, None) or _child(node, part)
        setattr(node, leaf, tf.Variable(values[name], name=name))
    return roots


def _child(node, part):
    setattr(node, part, tf.Module(name=part if part.isidentifier() else f"_{part}"))
    return getattr(node, part)


def _replace(staging, dst):
    """Move the checkpoint files written under ``staging`` to the prefix ``dst``, index last:
    a reader finds either the old checkpoint or the new one, never half of one."""
    base = os.path.join(staging, "ckpt")
    files = sorted(f for f in os.listdir(staging) if f.startswith("ckpt."))
    for suffix in sorted((f[len("ckpt"):] for f in files), key=lambda s: s == ".index"):
        os.replace(base + suffix, dst + suffix)


def staged(dst, write):
    """``write(prefix)`` into a temporary folder beside ``dst``, then the files renamed to ``dst``."""
    folder = os.path.dirname(os.path.abspath(dst))
    if not os.path.isdir(folder):
        raise CheckpointError(f"cannot write {dst}: {folder} is not a folder")
    staging = tempfile.mkdtemp(dir=folder, prefix=".tfparity-checkpoint-")
    try:
        write(os.path.join(staging, "ckpt"))
        _replace(staging, dst)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
