"""``tfparity record --runtime VERSION ...``: the same command run again, without ``--runtime``, by
the Python of that runtime's environment (``tfparity.record.runtimes``, made on first use), its exit
status passed through. This process never loads TensorFlow."""
from tfparity.core.exits import UsageError
from tfparity.record import runtimes


def arguments(args, script_args):
    """The command line of ``tfparity record`` that ``args`` (parsed) came from, less ``--runtime``."""
    again = ["record"]
    for flag in ("plain", "stop", "strict", "force"):
        if getattr(args, flag, False):
            again.append(f"--{flag}")
    if args.out is not None:
        again.append(f"--out={args.out}")
    if args.steps is not None:
        again.append(f"--steps={args.steps}")
    return [*again, "--", args.script, *script_args]


def run(args, script_args):
    try:
        runtimes.environment(args.runtime)  # made here, so that what stops it is one line of this command's
    except runtimes.Unavailable as unavailable:
        raise UsageError(str(unavailable)) from None
    return runtimes.run(args.runtime, arguments(args, script_args))
