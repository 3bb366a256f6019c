"""False friends: TF1 optimizers and losses against their Keras 3 namesakes, measured step by step.

A study: ``add_parser(sub)`` adds ``tfparity friends``; ``measure()`` returns the record (each
oneDNN setting in a fresh process); ``render(folder)`` writes docs/false_friends.md and its plot.
"""
from tfparity import records
from tfparity.files import write_atomic
from tfparity.friends.command import add_parser  # noqa: F401  (the study's interface)
from tfparity.paths import NOTES

NAME = "false_friends"  # the record's and the page's name


def measure():
    from tfparity.friends.measurement import measure_both  # loads Keras: only when measuring
    return measure_both()


def render(folder):
    from tfparity.friends import report
    if records.record_path(folder, NAME).exists():
        record = records.load_plain(folder, NAME)
        report.plot(record, folder / "img" / f"{NAME}.png")
        write_atomic(folder / f"{NAME}.md", report.page(record, (NOTES / f"{NAME}.md").read_text()))
