"""The house: every package of the project and what it may import, as data.

``parity_tests/test_architecture.py`` walks every import (function-level ones too) and fails on an
edge this table does not allow; docs/architecture.md is generated from it and from each package's
docstring. A module may always import its own package. The standard library, TensorFlow, Keras,
NumPy and the other installed libraries are not listed: only the project's own packages are.
"""
STUDIES = ("checkpoints", "distributed", "false_friends", "fidelity", "keras_fit", "performance", "pitfalls",
           "seeds", "upgrade")
EXAMPLES = ("shared_data", "tf1_graph", "tf2_eager")
# Each study is a room: it may import the floors below and the examples, never another room.
_ROOM = ("tfparity.core", "tfparity.render", "tfparity.port", "tfparity.checkpoint", "tfparity.studies.strict_record",
         *EXAMPLES)

HOUSE = {  # package: the project's packages it may import, listed from the ground up
    "tfparity.port": (),
    "tfparity.core": (),
    "tfparity.render": ("tfparity.core",),
    "shared_data": ("tfparity.core", "tfparity.render"),
    "tf1_graph": ("shared_data", "tfparity.core"),
    "tf2_eager": ("shared_data", "tfparity.core", "tfparity.port"),
    "tfparity.check": ("tfparity.core",),
    "tfparity.check.scaffold": ("tfparity.testing", "tfparity.port"),  # the files `tfparity new` writes import them as a user's do
    "tfparity.testing": ("tfparity.check", "tfparity.record"),
    "tfparity.checkpoint": ("tfparity.core", "tfparity.port"),
    "tfparity.scan": ("tfparity.core", "tfparity.render"),
    "tfparity.record": ("tfparity.core", "tfparity.port", "tfparity.checkpoint", "shared_data"),  # shared_data: the verified MNIST input_data reads; checkpoint: the name maps a replay shares; port: the rules a port emitted uses
    "tfparity.guide": ("tfparity", "tfparity.core", "tfparity.render", "tfparity.scan"),  # tfparity: the house, for its page; scan: the API map's table
    "tfparity.studies.strict_record": ("tfparity.core",),
    **{f"tfparity.studies.{room}": _ROOM for room in STUDIES},
    "tfparity.studies": tuple(f"tfparity.studies.{room}" for room in STUDIES) + ("tfparity.scan",),
    "tfparity.cli": ("tfparity.core", "tfparity.render", "tfparity.check", "tfparity.check.scaffold", "tfparity.checkpoint", "tfparity.guide", "tfparity.scan", "tfparity.record",
                     "tfparity.studies", *(f"tfparity.studies.{room}" for room in STUDIES), "shared_data"),
    "tfparity": (),  # this table and the package's docstring
}


def package(module):
    """The entry of HOUSE that ``module`` belongs to (the longest prefix), or None."""
    return max((p for p in HOUSE if module == p or module.startswith(p + ".")), key=len, default=None)


def allowed(source, target):
    """Whether module ``source`` may import module ``target`` (both dotted; a ``from X import y``
    counts as ``X.y``). Imports of what HOUSE does not name (other libraries) are always allowed."""
    home, there = package(source), package(target)
    return there is None or there == home or there in HOUSE.get(home, ())
