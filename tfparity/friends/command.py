"""``tfparity friends``: measure, print the optimizer and loss tables; --json writes the record.

Importing this module loads neither TensorFlow nor Keras, so ``tfparity --help`` stays fast."""
from tfparity.jsonio import dumps, jsonable, write_atomic


def add_parser(sub):
    friends = sub.add_parser("friends", help="measure TF1 optimizers and losses against their Keras 3 namesakes")
    friends.add_argument("--json", metavar="PATH", help="write the measurements as JSON")


def run(args):
    from tfparity.friends import measurement, report  # they load Keras: only when the command runs
    record = jsonable(measurement.measure())
    print(report.text(record), end="")
    if args.json:
        write_atomic(args.json, dumps(record) + "\n")
    return 0
