"""The scanner: every TF1 idiom in a user's code, whether it still runs on the installed TF, and
where this project proves its replacement.

A study: ``tfparity scan`` (``tfparity.cli.scan``) runs it on a user's code; ``measure()`` probes the installed TensorFlow
for the status table and scores the scanner on its corpus (parity_tests/scan_corpus/) and against
``tf_upgrade_v2``; ``render(folder)`` writes docs/scan.md. Importing this package loads only the
standard library, so ``tfparity --help`` stays fast.
"""
NAME = "scan"  # the record's and the page's name


def measure():
    from tfparity.scan import measurement  # loads TensorFlow: only when measuring
    return measurement.measure()


def render(folder):
    from tfparity.scan import page
    page.render(folder)
