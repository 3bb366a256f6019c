"""A starting point for the port (``tfparity record --emit-port DIR``): a TF2 module made from a
recording, built as a syntax tree (``ast``) and written as source. It has one ``tf.Variable`` per
variable of the TF1 run, under a readable attribute name and the TF1 name (so that the replay's name
map matches every one by name, the optimizer's slots too), TF1's optimizer rule from
``tfparity.port.optimizers`` where its slots name one, and a ``step`` whose parameters are the tensors
the first training run was given; its body is the user's to write: the forward pass, the loss, the update.
"""
import ast
import keyword
import re

from tfparity.record import replay

# The tfparity.port.optimizers rule whose TF1 slot names (a variable's "name/SUFFIX") a recording shows.
RULES = (("Adam", "Adam"), ("Momentum", "Momentum"), ("RMSProp", "RMSProp"), ("Adagrad", "Adagrad"),
         ("Adadelta", "Adadelta"), ("Ftrl", "Ftrl"), ("ProximalAdagrad", "ProximalAdagrad"))
NON_SLOTS = ("beta1_power", "beta2_power")  # Adam's state shared by every variable: the rule's own
STEP_BODY = "the forward pass, the loss and the update, as the TF1 program computes them"


def port_source(recording, script):
    """The port module's source for ``recording`` (``recording.load``'s) of ``script``."""
    session, runs = replay.training_runs(recording)
    if session is None:
        raise replay.ReplayError("the recording has no training run: nothing to port a step of")
    variables = session["variables"]
    names = {v["name"] for v in variables}
    slots = {v["name"] for v in variables if any(v["name"].startswith(other + "/") for other in names - {v["name"]})}
    suffixes = {name.rsplit("/", 1)[1].split("_")[0] for name in slots}
    rule = next((rule for rule, suffix in RULES if suffix in suffixes), "GradientDescent")
    model = [v for v in variables if v["name"] not in slots and v["name"] not in NON_SLOTS]
    inputs = [f["name"] for f in replay._inputs(runs[0])]
    named = set()  # the step's parameters named as the replay names a fed tensor's, made unique
    parameters = [_attribute(replay.parameter_name(name), named) for name in inputs]
    taken = set()
    attributes = [(v, _attribute(v["name"], taken)) for v in model]
    doc = (f"A TF2 port of {script}, started by tfparity record --emit-port: one tf.Variable per variable of its "
           f"TF1 run, named as TF1 named it (the replay matches them by name), TF1's {rule} rule, and a step to "
           f"write: {STEP_BODY}. Set {' and '.join(n.upper() for n in _required(rule))} to the program's; then"
           f"\n\n    tfparity check --recording FILE "
           f"--tf2 port.py:make_port\n")
    module = ast.Module(body=[
        ast.Expr(ast.Constant(doc)),
        ast.Import([ast.alias("tensorflow", "tf")]),
        ast.ImportFrom("tfparity.port", [ast.alias("optimizers")], 0),
        *[_assign(name.upper(), ast.Constant(None)) for name in _required(rule)],
        _class(attributes),
        _make_port(rule, parameters, inputs),
    ], type_ignores=[])
    return ast.unparse(ast.fix_missing_locations(module)) + "\n"


def _required(rule):
    """The arguments TF1's ``rule`` requires (no default: ``learning_rate``, Momentum's ``momentum``),
    which the emitted module leaves to the user as constants, and the learning rate always."""
    import inspect

    from tfparity.port import optimizers
    found = [name for name, parameter in inspect.signature(getattr(optimizers, rule)).parameters.items()
             if parameter.default is parameter.empty]
    return ["learning_rate"] + [name for name in found if name != "learning_rate"]


def _attribute(name, taken):
    """A TF1 name as a Python identifier, unique among ``taken``."""
    text = re.sub(r"\W+", "_", name.split(":")[0]).strip("_").lower() or "variable"
    text = f"v_{text}" if text[0].isdigit() or keyword.iskeyword(text) else text
    found, number = text, 1
    while found in taken:
        number += 1
        found = f"{text}_{number}"
    taken.add(found)
    return found


def _assign(target, value):
    return ast.Assign([ast.Name(target, ast.Store())], value)


def _call(function, *args, **keywords):
    return ast.Call(ast.parse(function, mode="eval").body, list(args),
                    [ast.keyword(key, value) for key, value in keywords.items()])


def _class(attributes):
    body = [ast.Expr(_call("super().__init__"))]
    for variable, attribute in attributes:
        floating = variable["dtype"].startswith(("float", "bfloat", "half"))
        dtype = ast.Name("dtype", ast.Load()) if floating else ast.parse(f"tf.{variable['dtype']}", mode="eval").body
        value = _call("tf.zeros", ast.Constant(variable["shape"]), dtype)
        keywords = {"name": ast.Constant(variable["name"])}
        if not floating:
            keywords["trainable"] = ast.Constant(False)
        body.append(ast.Assign([ast.Attribute(ast.Name("self", ast.Load()), attribute, ast.Store())],
                               _call("tf.Variable", value, **keywords)))
    init = ast.FunctionDef("__init__", ast.arguments([], [ast.arg("self"), ast.arg("dtype")], None, [], [], None,
                                                     [ast.parse("tf.float32", mode="eval").body]),
                           [ast.Expr(ast.Constant("Any initial values do: the replay gives the TF1 run's own."))] + body,
                           [], None)
    return ast.ClassDef("Model", [ast.parse("tf.Module", mode="eval").body], [], [init], [])


def _make_port(rule, parameters, inputs):
    fed = ", ".join(f"{parameter} ({name})" for parameter, name in zip(parameters, inputs))
    step = ast.FunctionDef("step", ast.arguments([], [ast.arg(p) for p in parameters], None, [], [], None, []), [
        ast.Expr(ast.Constant(f"One training run: {fed}. Return {{name: value}} of what it fetched to compare.")),
        ast.Raise(_call("NotImplementedError", ast.Constant(f"write {STEP_BODY}")), None)], [], None)
    body = [
        ast.Expr(ast.Constant("The model, TF1's optimizer rule built for its variables, and one training step; "
                              "dtype: float64 for the replay's confirmation of a reformulation.")),
        _assign("model", _call("Model", ast.BoolOp(ast.Or(), [ast.Name("dtype", ast.Load()),
                                                             ast.parse("tf.float32", mode="eval").body]))),
        _assign("optimizer", _call(f"optimizers.{rule}", **{name: ast.Name(name.upper(), ast.Load())
                                                            for name in _required(rule)})),
        ast.Expr(_call("optimizer.build", ast.parse("model.trainable_variables", mode="eval").body)),
        step,
        ast.Return(ast.Tuple([ast.Dict([ast.Constant("model"), ast.Constant("optimizer")],
                                       [ast.Name("model", ast.Load()), _call("optimizer.checkpointable")]),
                              ast.Name("step", ast.Load())], ast.Load()))]
    return ast.FunctionDef("make_port", ast.arguments([], [ast.arg("dtype")], None, [], [], None, [ast.Constant(None)]),
                           body, [], None)
