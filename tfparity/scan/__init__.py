"""The scanner: every TF1 idiom in a user's code, whether it still runs on the installed TF, and
where this project proves its replacement.

A study: ``add_parser(sub)`` adds ``tfparity scan``; ``measure()`` probes the installed TensorFlow
for the status table and scores the scanner on its corpus (parity_tests/scan_corpus/) and against
``tf_upgrade_v2``; ``render(folder)`` writes docs/scan.md. Importing this package loads only the
standard library, so ``tfparity --help`` stays fast.
"""
import argparse

NAME = "scan"  # the record's and the page's name
EPILOG = """exit status:
  0    nothing found
  1    findings (printed; --json writes them too)
  2    bad input: a missing path, an unreadable file, an unwritable --json (one line on stderr)"""


def add_parser(sub):
    scan = sub.add_parser("scan", help="find TF1 idioms in .py files and notebooks, with their status on this TF",
                          epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (recursed for .py and .ipynb)")
    scan.add_argument("--json", metavar="FILE", help="also write findings and summary as JSON to FILE")
    scan.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                      help="what to print (default text; sarif: SARIF 2.1.0 for CI and editors)")
    scan.add_argument("--compare-upgrade", action="store_true",
                      help="also run the installed tf_upgrade_v2 on a copy and say, per finding, what it did")
    scan.set_defaults(handler="tfparity.scan.command:run")


def measure():
    from tfparity.scan import measurement  # loads TensorFlow: only when measuring
    return measurement.measure()


def render(folder):
    from tfparity.scan import page
    page.render(folder)
