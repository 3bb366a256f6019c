"""The studies: measurements beside the examples, each a package named as its page.

Each has one interface:
- ``measure()`` (if ``tfparity docs`` measures it) returns its record, saved as results/NAME.json;
- ``render(folder)`` writes its page from folder/results.

A study's sub-command, if it has one, is a module of ``tfparity.cli``. A room imports the core, the
render helpers, the runtime library, the examples and ``strict_record``, never another room.
A new study is a package here and a line in STUDIES.
"""
from tfparity import scan
from tfparity.studies import (
    checkpoints, distributed, false_friends, fidelity, keras_fit, performance, pitfalls, seeds, upgrade
)

STUDIES = (pitfalls, upgrade, false_friends, performance, scan, checkpoints, keras_fit, distributed, fidelity,
           seeds)  # the order their pages are built in
