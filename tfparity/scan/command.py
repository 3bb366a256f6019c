"""``tfparity scan PATH...``: every TF1 idiom in the files and folders given, as text, JSON or SARIF.

Exit status 0 when nothing is found, 1 when something is, 2 for bad input (one line on stderr).
Statuses come from the committed table (docs/results/scan.json) without loading TensorFlow,
unless the installed TensorFlow is another release (``tfparity.scan.statuses``).
"""
import sys

from tfparity.files import NotWritable, check_target, write_atomic
from tfparity.scan import findings, output, sources, statuses

OK, FOUND, USAGE = 0, 1, 2  # a CI step fails on findings (1) and tells them from bad input (2)


def _fail(message):
    # A room cannot raise tfparity.checks.UsageError (floor 3); this is the same one line.
    print(f"tfparity: error: {message}", file=sys.stderr)
    return USAGE


def run(args):
    try:
        if args.json:
            check_target(args.json)
        table = statuses.table()
        files, found = findings.scan_paths(args.paths, table)
        report = dict(output.summary(files, found), statuses_from=table["source"])
        if args.compare_upgrade:
            from tfparity.scan import upgrade
            report["upgrade"] = upgrade.compare(files, found, table)
    except (sources.BadInput, NotWritable) as error:
        return _fail(error)
    document = {"text": lambda: output.text(found, report), "json": lambda: findings.dumps(found, report),
                "sarif": lambda: output.sarif(found)}[args.format]()
    sys.stdout.write(document)
    if args.json:
        try:
            write_atomic(args.json, findings.dumps(found, report))
        except (OSError, NotWritable) as error:
            return _fail(f"cannot write --json {args.json}: {getattr(error, 'strerror', None) or error}")
    return FOUND if found else OK
