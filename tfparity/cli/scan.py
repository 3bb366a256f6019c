"""``tfparity scan PATH...``: every TF1 idiom in the files and folders given, as text, JSON or SARIF.

Statuses come from the committed table (docs/results/scan.json) without loading TensorFlow,
unless the installed TensorFlow is another release (``tfparity.scan.statuses``).
"""
import argparse
import sys

from tfparity.cli.arguments import output
from tfparity.core.exits import Exit, UsageError
from tfparity.core.files import NotWritable, check_target, write_atomic

EPILOG = """exit status:
  0    nothing found
  1    findings (printed; --json writes them too)
  2    bad input: a missing path, an unreadable file, an unwritable --json (one line on stderr)"""


def add_parser(sub):
    scan = sub.add_parser("scan", help="find TF1 idioms in .py files and notebooks, with their status on this TF",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    scan.set_defaults(run=run)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursed for .py and .ipynb)")
    output(scan, "--json", "also write findings and summary as JSON to FILE", metavar="FILE")
    scan.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                      help="what to print (default text; sarif: SARIF 2.1.0 for CI and editors)")
    scan.add_argument("--compare-upgrade", action="store_true",
                      help="also run the installed tf_upgrade_v2 on a copy and say, per finding, what it did")


def run(args):
    from tfparity.scan import findings, output, sources, statuses  # only when scanning
    try:
        if args.json:
            check_target(args.json, args.force)
        table = statuses.table()
        files, found = findings.scan_paths(args.paths, table)
        report = dict(output.summary(files, found), statuses_from=table["source"])
        if args.compare_upgrade:
            from tfparity.scan import upgrade
            report["upgrade"] = upgrade.compare(files, found, table)
    except (sources.BadInput, NotWritable) as error:
        raise UsageError(str(error)) from None
    document = {"text": lambda: output.text(found, report), "json": lambda: findings.dumps(found, report),
                "sarif": lambda: output.sarif(found)}[args.format]()
    sys.stdout.write(document)
    if args.json:
        try:
            write_atomic(args.json, findings.dumps(found, report), force=args.force)
        except (OSError, NotWritable) as error:
            raise UsageError(f"cannot write --json {args.json}: {getattr(error, 'strerror', None) or error}") from None
    return Exit.MISMATCH if found else Exit.OK  # a CI step fails on findings, and tells them from bad input
