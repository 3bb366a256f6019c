"""docs/architecture.md: the house drawn from ``tfparity.house.HOUSE`` and each package's docstring,
then the notes (docs/notes/architecture.md: where a new thing goes)."""
import importlib

from tfparity.core.paths import NOTES, ROOT
from tfparity.house import EXAMPLES, HOUSE, package
from tfparity.render.pages import GENERATED, table


def purpose(name):
    """The first paragraph of a package's (or module's) docstring, on one line, without its own name."""
    text = (importlib.import_module(name).__doc__ or "").strip().split("\n\n")[0]
    return " ".join(text.split()).removeprefix(f"{name}: ")


def modules():
    """{HOUSE entry: its modules, relative to it}, every module of the project under its entry."""
    found = {}
    for top in ("tfparity",) + EXAMPLES:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            home = package(dotted)
            if dotted != home:
                found.setdefault(home, []).append(f"`{dotted.removeprefix(home + '.')}`")
    return found


def page():
    listed = modules()
    rows = [[f"`{name}`", purpose(name), ", ".join(f"`{p}`" for p in allowed) or "nothing of the project",
             ", ".join(listed.get(name, ())) or "—"] for name, allowed in HOUSE.items()]
    return "\n\n".join(["# Architecture: the house, drawn from its table", GENERATED,
                        "Every package, what it is for (its docstring) and the project's packages it may "
                        "import (`tfparity/house.py`); `parity_tests/test_architecture.py` fails on any other "
                        "edge, function-level imports included. A module may always import its own package.",
                        table(["package", "what it is for", "may import", "modules"], rows),
                        (NOTES / "architecture.md").read_text().strip()]) + "\n"
