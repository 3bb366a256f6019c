"""``tfparity checkpoint inspect CKPT`` and ``tfparity checkpoint convert SRC DST``: a TF1 Saver
checkpoint read, and carried into a TF2 object-based checkpoint (or back, ``--reverse``) by a map
of names (``--map MAP.json``) or one derived from the objects it will restore into (``--auto``).
Bad input is one line and exit 2; DST is whole or absent."""
import json

from tfparity.cli.arguments import UsageError, check_writable, output
from tfparity.core import quiet

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
    convert.add_argument("target", metavar="DST", help="the checkpoint prefix to write (DST.index, DST.data-*)")
    convert.add_argument("--map", metavar="MAP.json", help="{TF1 name: dotted attribute path, or null to leave out}")
    convert.add_argument("--auto", metavar="SPEC", help=f"derive the map from objects whose variables carry the TF1 "
                         f"names: {OBJECTS}")
    convert.add_argument("--into", metavar="SPEC", help="check paths, shapes and dtypes against these objects")
    convert.add_argument("--reverse", action="store_true", help="TF2 -> TF1: SRC is the TF2 checkpoint, the same map")
    output(convert, "--write-map", "write the map used (--auto's) as JSON")


def _objects(spec, option):
    """The roots a SPEC's function returns (called without arguments)."""
    from tfparity.check import specs
    try:
        function = specs.resolve(spec, option, positional=0)
    except specs.SpecError as error:
        raise UsageError(str(error)) from None
    roots = function()
    if not isinstance(roots, dict) or not roots:
        raise UsageError(f"{option} {spec}: must return a dict {{root name: object}}, got {type(roots).__name__}")
    return roots


def _map(path):
    try:
        with open(path) as file:
            mapping = json.load(file)
    except OSError as error:
        raise UsageError(f"cannot read --map {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"--map {path} is not JSON: {error}") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, (str, type(None))) for v in mapping.values()):
        raise UsageError(f"--map {path}: expected {{TF1 name: dotted path or null}}")
    return mapping


def run(args):
    for option in ("json", "write_map"):
        if getattr(args, option, None):
            check_writable(getattr(args, option), args.force, option=f"--{option.replace('_', '-')}")
    if args.verb == "convert" and bool(args.map) == bool(args.auto):
        raise UsageError("give --map MAP.json or --auto SPEC (one of them)")
    mapping = _map(args.map) if getattr(args, "map", None) else None
    quiet.import_tensorflow()
    from tfparity.checkpoint import convert, inspect
    from tfparity.core.files import write_atomic
    try:
        if args.verb == "inspect":
            rows = inspect.inspect(args.checkpoint)
            print("\n".join(inspect.lines(rows)))
            if args.json:
                write_atomic(args.json, json.dumps(rows, indent=1) + "\n", force=args.force)
            return 0
        into = _objects(args.into or args.auto, "--into" if args.into else "--auto") if (args.into or args.auto) else None
        if args.auto:
            mapping = convert.auto_map(list(convert.read(args.source)), into)
        if args.reverse:
            convert.reverse(args.source, args.target, mapping)
        else:
            convert.convert(args.source, args.target, mapping, into)
    except convert.CheckpointError as error:
        raise UsageError(str(error)) from None
    if args.write_map:
        write_atomic(args.write_map, json.dumps(mapping, indent=1) + "\n", force=args.force)
    kept = sum(path is not None for path in mapping.values())
    print(f"wrote {args.target} ({'TF1 Saver' if args.reverse else 'TF2 object-based'} checkpoint): "
          f"{kept} variables" + (f", {len(mapping) - kept} left out" if len(mapping) > kept else ""))
    return 0
