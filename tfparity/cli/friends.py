"""``tfparity friends``: TF1's optimizers and losses measured against their Keras 3 namesakes; the
optimizer and loss tables on stdout, --json writes the record."""
from tfparity.cli.arguments import UsageError, check_writable
from tfparity.core import quiet
from tfparity.core.jsonio import dumps, jsonable, write_atomic


def add_parser(sub):
    friends = sub.add_parser("friends", help="measure TF1 optimizers and losses against their Keras 3 namesakes")
    friends.set_defaults(run=run)
    friends.add_argument("--json", metavar="PATH", help="write the measurements as JSON")


def run(args):
    if args.json:
        check_writable(args.json)
    quiet.import_tensorflow()
    from tfparity.studies.false_friends import measurement, report  # they load Keras: only when the command runs
    try:
        record = jsonable(measurement.measure())
    except ValueError as error:  # the MNIST loader's one-line errors
        raise UsageError(str(error)) from None
    print(report.text(record), end="")
    if args.json:
        write_atomic(args.json, dumps(record) + "\n")
    return 0
