"""``tfparity list``: the example names, one per line."""


def add_parser(sub):
    sub.add_parser("list", help="print the example names, one per line").set_defaults(run=run)


def run(args):
    from tfparity.core import harness
    print("\n".join(harness.examples()))
    return 0
