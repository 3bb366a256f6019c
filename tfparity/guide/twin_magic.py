"""The notebooks' ``%%twin tf1`` / ``%%twin tf2`` cell magic: both twins define the same names, so
each cell runs its twin's code verbatim in that twin's own namespace. ``%load_ext tfparity.guide.twin_magic``."""

namespaces = {"tf1": {"__name__": "tf1_twin"}, "tf2": {"__name__": "tf2_twin"}}


def twin(line, cell):
    """Run this cell in one twin's own namespace."""
    exec(cell, namespaces[line.strip()])


def load_ipython_extension(ipython):
    ipython.register_magic_function(twin, "cell")
