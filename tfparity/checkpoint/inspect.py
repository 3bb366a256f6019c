"""What is in a checkpoint: every variable with its shape and dtype, and for TF1 optimizer state
which variable and which slot it belongs to, by the layout of ``tfparity.port.optimizers`` (TF1's
names: ``var/Adam`` is Adam's ``m`` of ``var``, ``var/Adam_1`` its ``v``; ``beta1_power`` shared)."""
from tfparity.checkpoint import cells, metagraph
from tfparity.checkpoint.convert import program_forget_biases, read, resolve
from tfparity.port import optimizers


def _probes():
    """One of each TF1 rule, most slots first: a centered RMSProp's names include a plain one's."""
    rules = [optimizers.Momentum(0.1, 0.9), optimizers.Adam(), optimizers.RMSProp(0.1, centered=True),
             optimizers.RMSProp(0.1), optimizers.Adagrad(0.1), optimizers.Adadelta(),
             optimizers.Ftrl(0.1), optimizers.ProximalAdagrad(0.1)]
    return sorted(rules, key=lambda rule: -len(rule.slot_names()))


def slots(names):
    """{name: {"optimizer", "variable", "slot"}} for the optimizer state among ``names``."""
    names, found = set(names), {}
    for rule in _probes():
        label = rule.name + (" (centered)" if rule.config.get("centered") else "")
        for base in sorted(names):
            keys = rule.tf1_names(base)
            if keys and all(k in names and k not in found for k in keys.values()):
                found.update({key: {"optimizer": label, "variable": base, "slot": slot} for slot, key in keys.items()})
        for name in rule.non_slot_names():
            if name in names and name not in found:
                found[name] = {"optimizer": rule.name, "variable": None, "slot": name}
    return found


def inspect(path):
    """One row per variable: name, shape, dtype, its optimizer, variable and slot if state, and the
    TF1 RNN cell (``{"scope", "cell"}``, and ``"forget_bias"`` where the program's graph beside the
    checkpoint states it) whose weight or slot it is, if one is recognised."""
    found = read(path)
    state = slots(found)
    try:
        recognised = cells.recognised({name: shape for name, (shape, _, _) in found.items()})
        known, _ = program_forget_biases(resolve(path), found)
    except cells.CheckpointError:
        recognised, known = {}, {}  # its one line is cell_lines'
    rows = []
    for name, (shape, dtype, _) in found.items():
        cell = cells.cell_of(name, recognised)
        program = {"forget_bias": metagraph.shown(known[cell[0]])} if cell and cell[0] in known else {}
        rows.append({"name": name, "shape": list(shape), "dtype": dtype, **state.get(name, {}),
                     **({"rnn_cell": {"scope": cell[0], "cell": cell[1], **program}} if cell else {})})
    return rows


def cell_lines(rows):
    """The TF1 RNN cells among the rows, each with its layout and the Keras layer that takes it."""
    known = {row["rnn_cell"]["scope"]: row["rnn_cell"]["forget_bias"] for row in rows if "forget_bias" in row.get("rnn_cell", {})}
    return cells.describe({row["name"]: tuple(row["shape"]) for row in rows}, known)


def lines(rows):
    width = max([len(r["name"]) for r in rows] + [4])
    text = [f"{'name':<{width}}  {'dtype':<8} {'shape':<16} optimizer state"]
    for r in rows:
        role = (f"{r['optimizer']} {r['slot']} of {r['variable']}" if r.get("variable") else
                f"{r['optimizer']} {r['slot']} (shared)" if r.get("optimizer") else "")
        text.append(f"{r['name']:<{width}}  {r['dtype']:<8} {str(r['shape']):<16} {role}".rstrip())
    found = cell_lines(rows)
    return text + (["", "RNN cells (convert takes each by a cell entry in the map):", *found] if found else [])
