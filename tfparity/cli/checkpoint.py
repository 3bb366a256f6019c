"""``tfparity checkpoint inspect CKPT`` and ``tfparity checkpoint convert SRC DST``: a TF1 Saver
checkpoint read, and carried into a TF2 object-based checkpoint (or back, ``--reverse``) by a map
of names (``--map MAP.json``) or one derived from the objects it will restore into (``--auto``).

Bad input is one line and exit 2, and every check of paths and the map answers before TensorFlow
loads: DST is never the checkpoint being read (through links or another spelling) nor an existing
checkpoint without ``--force``; no output replaces an input. DST is whole or absent, and a folder
it needs is created with it. An error inside the ``--into``/``--auto`` function is the user's: exit 3.
"""
import json
import os
import sys
import traceback

from tfparity.cli.arguments import UsageError, check_writable, output
from tfparity.core import quiet
from tfparity.core.exits import Exit

OBJECTS = ("module:function (or path/to/file.py:function) returning {root name: object}, "
           "e.g. {'model': module, 'optimizer': tfparity_optimizer.checkpointable()}")


def add_parser(sub):
    checkpoint = sub.add_parser("checkpoint", help="inspect a TF1 checkpoint, or convert it to TF2 and back")
    checkpoint.set_defaults(run=run)
    verbs = checkpoint.add_subparsers(dest="verb", required=True)  # argparse: of the parent's class
    inspect = verbs.add_parser("inspect", help="every variable: shape, dtype, and which optimizer slot it is")
    inspect.add_argument("checkpoint", metavar="CKPT", help="a checkpoint prefix (the path before .index)")
    output(inspect, "--json", "write the rows as JSON")
    convert = verbs.add_parser("convert", help="TF1 Saver checkpoint -> TF2 object-based checkpoint (or back)")
    convert.add_argument("source", metavar="SRC", help="the checkpoint prefix to read")
    convert.add_argument("target", metavar="DST", help="the checkpoint prefix to write (DST.index, DST.data-*); "
                         "its folder is created if need be")
    convert.add_argument("--map", metavar="MAP.json", help="{TF1 name: dotted attribute path, or null to leave out}")
    convert.add_argument("--auto", metavar="SPEC", help=f"derive the map from objects whose variables carry the TF1 "
                         f"names: {OBJECTS}")
    convert.add_argument("--into", metavar="SPEC", help="check the --map's paths, shapes and dtypes against these objects")
    convert.add_argument("--verify", metavar="SPEC", help="restore the converted checkpoint into the port's objects "
                         f"before it is put in place and prove it: every value bit for bit, each TF1 RNN cell's "
                         f"Keras cell run on a probe batch against TF1's cell (exit 1 at the first differing "
                         f"output, nothing written): {OBJECTS}")
    convert.add_argument("--reverse", action="store_true", help="TF2 -> TF1: SRC is the TF2 checkpoint, the same map")
    convert.add_argument("--force", action="store_true",
                         help="replace a checkpoint already at DST (never SRC itself), or a read-only --write-map")
    output(convert, "--write-map", "write the map used (--auto's) as JSON")  # the --force above serves it too


class UserCode(Exception):
    """The user's ``--into``/``--auto`` module or function raised (or exited): exit 3."""

    def __init__(self, which, error):
        super().__init__(which)
        self.which, self.error = which, error


def _objects(spec, option):
    """The roots a SPEC's function returns (called without arguments), the function run under
    ``specs.running``: an ``os._exit`` of the user's is reported, not obeyed."""
    from tfparity.check import specs
    try:
        function = specs.resolve(spec, option, positional=0)
    except specs.SpecError as error:
        raise UsageError(str(error)) from None
    except (Exception, SystemExit) as error:
        raise UserCode(f"importing {spec}", error) from None
    try:
        with specs.running(f"{option} {spec}"):
            roots = function()
    except specs.UserCodeError as failure:
        raise UserCode(failure.which, failure.error) from None
    if not isinstance(roots, dict) or not roots:
        raise UsageError(f"{option} {spec}: must return a dict {{root name: object}}, got "
                         + (f"{type(roots).__name__}" if roots else repr(roots)))
    from tfparity.checkpoint.convert import CheckpointError, check_roots
    try:
        check_roots(roots)
    except CheckpointError as error:
        raise UsageError(f"{option} {spec}: {error}") from None
    return roots


def _user_error(failure):
    error = failure.error
    traceback.print_exception(error)
    from tfparity.check.specs import Exited
    if isinstance(error, SystemExit):
        what = f"exited ({type(error).__name__}: {error.code!r})"
    elif isinstance(error, Exited):
        what = f"called os._exit({error.status!r}), which would have ended the run with nothing written"
    else:
        what = f"raised {type(error).__name__}: {error}"
    print(f"tfparity: error inside your own code, in {failure.which}: it {what} (traceback above)", file=sys.stderr)
    return Exit.USER_CODE


def _check_options(args):
    """The combinations that would be accepted and then not do what they say."""
    if args.verb == "inspect":
        return
    if bool(args.map) == bool(args.auto):
        raise UsageError("give --map MAP.json or --auto SPEC (one of them)")
    if args.auto and args.into:
        raise UsageError("--auto checks the map it derives against its own objects: --into is for a --map")
    if args.reverse and (args.auto or args.into or args.verify):
        raise UsageError("--reverse reads the TF2 checkpoint by the map the forward conversion used: give it "
                         "as --map (--write-map saves --auto's), without --auto, --into or --verify")
    if args.verify and args.into:
        raise UsageError("--verify checks the map's paths, shapes and dtypes against its objects too: give "
                         "--verify SPEC alone")


def _check_paths(args):
    """SRC (or CKPT), DST, --map and the outputs, before TensorFlow loads."""
    from tfparity.checkpoint import maps, prefixes
    for option, wanted in (("--json", "a path"), ("--write-map", "a path"), ("--map", "a path"),
                           ("--auto", "module:function"), ("--into", "module:function"), ("--verify", "module:function")):
        if getattr(args, option[2:].replace("-", "_"), None) == "":
            raise UsageError(f"{option} is empty: give {wanted}")
    for spec in (getattr(args, "into", None), getattr(args, "auto", None), getattr(args, "verify", None)):
        if spec:
            from tfparity.check import specs
            try:
                specs.refuse_reimport(spec)
            except specs.SpecError as error:
                raise UsageError(str(error)) from None
    if args.verb == "inspect":
        prefixes.check_source(args.checkpoint, "CKPT")
        outputs, read, written = {"--json": args.json}, [args.checkpoint], []
    else:
        prefixes.check_source(args.source, "SRC")
        inputs = [args.map] if args.map else []
        prefixes.check_target(args.target, [args.source], inputs, force=args.force)
        outputs, read, written = {"--write-map": args.write_map}, [args.source], [args.target]
    created = [os.path.join(base, *missing[:i]) for base, missing in
               (prefixes.existing_folder(os.path.dirname(os.path.abspath(p))) for p in written)
               for i in range(1, len(missing) + 1)]
    for option, path in outputs.items():
        if path:
            prefixes.check_output(path, option, read, written, [args.map] if getattr(args, "map", None) else [])
            if os.path.dirname(os.path.abspath(path)) not in created:  # there, nothing exists to check
                check_writable(path, force=args.force, option=option)
    return maps.load(args.map, cells=True) if getattr(args, "map", None) else None


def _write(path, option, document, force):
    from tfparity.core.files import NotWritable, write_atomic
    try:
        write_atomic(path, json.dumps(document, indent=1) + "\n", force=force)
    except (OSError, NotWritable) as error:  # checked before; a disk that filled since, a folder gone
        raise UsageError(f"cannot write {option} {path}: {getattr(error, 'strerror', None) or error}") from None


def run(args):
    from tfparity.checkpoint.prefixes import CheckpointError
    _check_options(args)
    try:
        mapping = _check_paths(args)
    except CheckpointError as error:
        raise UsageError(str(error)) from None
    quiet.import_tensorflow()
    from tfparity.checkpoint import convert, inspect, metagraph, verify
    try:
        if args.verb == "inspect":
            rows = inspect.inspect(args.checkpoint)
            print("\n".join(inspect.lines(rows)))
            if args.json:
                _write(args.json, "--json", rows, args.force)
            return Exit.OK
        into = _objects(args.into or args.auto, "--into" if args.into else "--auto") if (args.into or args.auto) else None
        if args.auto:
            found = convert.read_tf1(convert.resolve(args.source))
            known, _ = convert.program_forget_biases(convert.resolve(args.source), found)
            mapping = convert.auto_map(list(found), into, {name: (shape, dtype) for name, (shape, dtype, _) in found.items()},
                                       {scope: metagraph.shown(value) for scope, value in known.items()})
        port = _objects(args.verify, "--verify") if args.verify else None
        if args.reverse:
            convert.reverse(args.source, args.target, mapping, force=args.force)
        else:
            convert.convert(args.source, args.target, mapping, into, force=args.force, verify=port,
                            plain=bool(args.auto))
    except UserCode as failure:
        return _user_error(failure)
    except verify.Mismatch as mismatch:
        print(f"tfparity: MISMATCH under --verify, nothing written to {args.target}: {mismatch}", file=sys.stderr)
        return Exit.MISMATCH
    except CheckpointError as error:
        raise UsageError(str(error)) from None
    if args.write_map:
        _write(args.write_map, "--write-map", mapping, args.force)
    from tfparity.checkpoint import maps
    kept = sum(len(maps.targets(name, entry)) for name, entry in mapping.items())
    left = sum(entry is None for entry in mapping.values())
    count = sum(maps.is_cell(entry) for entry in mapping.values())
    print(f"wrote {args.target} ({'TF1 Saver' if args.reverse else 'TF2 object-based'} checkpoint): "
          f"{kept} variables" + (f" ({count} RNN cells converted)" if count else "")
          + (f", {left} left out" if left else "") + (", verified in the port" if getattr(args, "verify", None) else ""))
    return Exit.OK
