"""``tfparity scan PATH...``: every TF1 idiom in the files and folders given, as text, JSON or SARIF.

Statuses come from the committed table (docs/results/scan.json) without loading TensorFlow,
unless the installed TensorFlow is another release (``tfparity.scan.statuses``).
"""
import argparse
import contextlib
import os
import sys

from tfparity.cli.arguments import path
from tfparity.core.exits import Exit, UsageError
from tfparity.core.files import NotWritable, check_target, write_atomic
from tfparity.scan.sources import shown  # the standard library only

EPILOG = """exit status:
  0    nothing found
  1    findings (printed; --json writes them too)
  2    bad input: a missing path, an unreadable file or folder, a pipe or device named, a notebook that
       is none, an unwritable --json, one that exists (without --force) or is a file being scanned
       (one line on stderr, nothing written)"""


def add_parser(sub):
    scan = sub.add_parser("scan", help="find TF1 idioms in .py files and notebooks, with their status on this TF",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    scan.set_defaults(run=run)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursed for .py and .ipynb)")
    scan.add_argument("--json", metavar="FILE", type=path, help="also write findings and summary as JSON to FILE")
    scan.add_argument("--force", action="store_true",
                      help="replace an existing --json FILE (never one of the files scanned)")
    scan.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                      help="what to print (default text; sarif: SARIF 2.1.0 for CI and editors)")
    scan.add_argument("--compare-upgrade", action="store_true",
                      help="also run the installed tf_upgrade_v2 on a copy and say, per finding, what it did")


def _check_json(path, force, files):
    """Before anything is read: ``path`` is a file --json may write: never one of ``files``, the
    files being scanned, however it is spelled (a link, another path), and new unless --force."""
    if not path:
        raise UsageError("--json needs a file name")
    with contextlib.suppress(OSError):  # a new path is none of them
        target = os.stat(path)
        for source in files:
            with contextlib.suppress(OSError):
                if os.path.samestat(target, os.stat(source)):
                    raise UsageError(f"cannot write --json {shown(path)}: it is {shown(source)}, "
                                     "one of the files scanned")
    try:
        existing = check_target(path, force)
    except NotWritable as error:
        raise UsageError(f"cannot write --json {shown(path)}: {error}") from None
    if existing is not None and not force:
        raise UsageError(f"cannot write --json {shown(path)}: it exists; pass --force to replace it")


def run(args):
    from tfparity.scan import findings, output, sources, statuses  # only when scanning
    try:
        files, skipped = sources.walk(args.paths)
        if args.json is not None:
            _check_json(args.json, args.force, files)
        table = statuses.table()
        found = findings.scan_files(files, table)
        report = dict(output.summary(files, found, skipped), statuses_from=table["source"])
        if args.compare_upgrade:
            from tfparity.scan import upgrade
            report["upgrade"] = upgrade.compare(files, found, table)
    except (sources.BadInput, NotWritable) as error:
        raise UsageError(str(error)) from None
    for source, why in skipped:
        print(f"tfparity: skipped {sources.shown(source)}: {why}", file=sys.stderr)
    document = {"text": lambda: output.text(found, report), "json": lambda: findings.dumps(found, report),
                "sarif": lambda: output.sarif(found)}[args.format]()
    sys.stdout.write(document)
    if args.json is not None:
        try:
            write_atomic(args.json, findings.dumps(found, report), force=args.force)
        except (OSError, NotWritable) as error:
            why = getattr(error, "strerror", None) or error
            raise UsageError(f"cannot write --json {shown(args.json)}: {why}") from None
    return Exit.MISMATCH if found else Exit.OK  # a CI step fails on findings, and tells them from bad input
