"""False friends: TF1 optimizers and losses against their Keras 3 namesakes, measured step by step.

A study: ``tfparity friends`` (``tfparity.cli.friends``) prints it; ``measure()`` returns the record (each
oneDNN setting in a fresh process); ``render(folder)`` writes docs/false_friends.md and its plot.
"""
from tfparity.core import records
from tfparity.core.files import write_atomic
from tfparity.core.paths import NOTES

NAME = "false_friends"  # the record's and the page's name


def measure():
    from tfparity.studies.false_friends.measurement import measure_both  # loads Keras: only when measuring
    return measure_both()


def render(folder):
    from tfparity.studies.false_friends import report
    if records.record_path(folder, NAME).exists():
        record = records.load_plain(folder, NAME)
        report.plot(record, folder / "img" / f"{NAME}.png")
        write_atomic(folder / f"{NAME}.md", report.page(record, (NOTES / f"{NAME}.md").read_text()))
