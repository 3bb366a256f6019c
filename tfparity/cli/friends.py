"""``tfparity friends``: TF1's optimizers and losses measured against their Keras 3 namesakes; the
optimizer and loss tables on stdout, --json writes the record."""
from tfparity.cli.arguments import UsageError, check_mnist, check_writable, output
from tfparity.core import quiet
from tfparity.core.jsonio import dumps, jsonable, write_atomic


def add_parser(sub):
    friends = sub.add_parser("friends", help="measure TF1 optimizers and losses against their Keras 3 namesakes")
    friends.set_defaults(run=run)
    output(friends, "--json", "write the measurements as JSON")


def run(args):
    read = check_mnist()  # its MLP problem's images
    if args.json:
        check_writable(args.json, args.force, reads=read)
    quiet.import_tensorflow(quiet.OWN_CODE_LOG_LEVEL)  # only our measurements run: none of the runtime's notices
    from tfparity.studies.false_friends import measurement, report  # they load Keras: only when the command runs
    try:
        record = jsonable(measurement.measure())
    except ValueError as error:  # the MNIST loader's one-line errors
        raise UsageError(str(error)) from None
    print(report.text(record), end="")
    if args.json:
        write_atomic(args.json, dumps(record) + "\n", force=args.force)
    return 0
