"""The studies beside the examples, each a package with the same small interface:

- ``add_parser(sub)`` (if it has a command of its own) adds its ``tfparity`` sub-command;
- ``measure()`` (if ``tfparity docs`` measures it) returns its record, saved as results/NAME.json;
- ``render(folder)`` writes its page from folder/results.

A new study is a package under tfparity/ and a line here.
"""
from tfparity import bench, distributed, fidelity, friends, kerasfit, pitfalls, resume, scan, seeds, upgrade

STUDIES = (pitfalls, upgrade, friends, bench, scan, resume, kerasfit, distributed, fidelity, seeds)  # the order their pages are built in
