"""The floors: every import of a project module goes to a lower floor or stays in its own room.
Function-level imports count too, so none can hide a cycle. docs/architecture.md draws the floors."""
import ast
import pathlib

from tfparity.paths import ROOT

# Floor of each project module, by dotted-name prefix (the longest prefix decides).
FLOORS = {
    "tfparity": 0,  # the core: harness, compare, tolerances, machine, records, JSON, files, pages
    "shared_data": 1, "tf1_graph": 1, "tf2_eager": 1,  # the examples: they may use the core
    "tfparity.guide": 2, "tfparity.guide_settings": 2, "tfparity.notebooks": 2, "tfparity.mapping": 2, "tfparity.twin_magic": 2,
    "tfparity.bench": 2, "tfparity.friends": 2, "tfparity.pitfalls": 2, "tfparity.upgrade": 2, "tfparity.scan": 2,
    "tfparity.resume": 2, "tfparity.kerasfit": 2, "tfparity.distributed": 2, "tfparity.fidelity": 2,
    "tfparity.seeds": 2,
    "tfparity.cli": 3, "tfparity.commands": 3, "tfparity.checks": 3, "tfparity.studies": 3,
    "tfparity.check_command": 3, "tfparity.check_run": 3, "tfparity.new_command": 3,  # check, new
    "tfparity.checkpoint_command": 3,
}
# A room on floor 2: its modules may import each other, but not another room on the same floor.
ROOMS = ("tfparity.bench", "tfparity.friends", "tfparity.pitfalls", "tfparity.upgrade", "tfparity.scan",
         "tfparity.resume", "tfparity.kerasfit", "tfparity.distributed", "tfparity.fidelity", "tfparity.seeds")


def floor(module):
    prefix = max((p for p in FLOORS if module == p or module.startswith(p + ".")), key=len, default=None)
    return prefix and FLOORS[prefix]


def room(module):
    return next((r for r in ROOMS if module == r or module.startswith(r + ".")), module)


def modules():
    for top in ("tfparity", "shared_data", "tf1_graph", "tf2_eager"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports(path):
    """Every module ``path`` imports, anywhere in it; ``from X import y`` counts as ``X.y``, which
    lands on X's floor when y is a name and on y's when it is a module (floors match by prefix)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):  # the project uses no relative imports
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_every_module_has_a_floor():
    assert [name for name, _ in modules() if floor(name) is None] == []


def test_no_module_imports_upward_or_into_another_room():
    wrong = []
    for name, path in modules():
        for target in imports(path):
            if floor(target) is None:
                continue  # TensorFlow, NumPy, the standard library
            if floor(target) > floor(name):
                wrong.append(f"{name} (floor {floor(name)}) imports {target} (floor {floor(target)})")
            elif floor(target) == floor(name) == 2 and room(target) != room(name) and room(target) in ROOMS:
                wrong.append(f"{name} imports {target}: another room on floor 2")
    assert wrong == []


def test_the_check_sees_a_planted_upward_import(tmp_path):
    planted = tmp_path / "compare.py"
    planted.write_text("def f():\n    from tfparity.cli import main\n")
    assert [t for t in imports(planted) if floor(t) == 3] == ["tfparity.cli.main"]


def test_the_core_the_guide_and_the_command_hold_no_example_names():
    # Everything particular to an example (QUICK, OPTIONS, BOUNDS, figures, notes) is declared by
    # its own modules, so adding one edits no file here. The studies may name the examples they study.
    from tfparity.harness import examples
    names = examples()
    found = []
    for name, path in modules():
        if name.startswith("tfparity") and not any(name.startswith(room) for room in ROOMS):
            text = path.read_text()
            found += [f"{name}: {example}" for example in names if example in text]
    assert found == []
