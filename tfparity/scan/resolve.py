"""Find the TensorFlow names a Python syntax tree uses, with every import and alias resolved.

``bindings(trees)`` reads the imports and assignments of one file (or all cells of a notebook)
once, in no particular order: a module-level view, as a reader of the file would take it.
``uses(tree, names)`` then yields ``(line, column, what, symbol, call)`` for every maximal
attribute chain or name that resolves to ``tf.…``, every import of a TF module, and every
method-shaped idiom (``sess.run``, ``x.eval()``, ``shape[i].value``...). Comments, strings and
docstrings are not in the tree, so TF1 names there are never seen.
"""
import ast

from tfparity.scan.knowledge import ITERATOR_MAKERS, PRIVATE, SESSION_MAKERS

V1, V2 = "tf.compat.v1", "tf.compat.v2"
# Method names that make a call an idiom whatever the receiver (a tensor, a scope, a dataset).
METHODS = {"eval": "Tensor.eval", "reuse_variables": "VariableScope.reuse_variables",
           "create_threads": "QueueRunner.create_threads",
           "make_one_shot_iterator": "Dataset.make_one_shot_iterator",
           "make_initializable_iterator": "Dataset.make_initializable_iterator",
           "make_initializer": "Iterator.make_initializer"}
# Attributes TF1 datasets had and TF2's lack, read on any receiver.
ATTRIBUTES = {"output_types": "Dataset.output_types", "output_shapes": "Dataset.output_shapes",
              "output_classes": "Dataset.output_classes"}


def canonical(path):
    """``tensorflow.compat.v1.x`` and ``tf.compat.v1.x`` -> ``tf.x``: a TF1 name however spelled."""
    if path == "tensorflow" or path.startswith("tensorflow."):
        path = "tf" + path[len("tensorflow"):]
    if path == V1 or path.startswith(V1 + "."):
        path = "tf" + path[len(V1):]
    return path


def dotted(node):
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id] + parts[::-1]) if isinstance(node, ast.Name) else None


def resolve(node, names):
    """The TF symbol ``node`` (a name or an attribute chain) stands for, or None."""
    chain = dotted(node)
    if chain is None:
        return None
    head, _, rest = chain.partition(".")
    base = names["aliases"].get(head)
    if base is None:
        return None
    return canonical(f"{base}.{rest}") if rest else base


def _imported(node):
    """(bound name, TF path) for each TF module or name an import statement binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == "tensorflow" or alias.name.startswith("tensorflow."):
                yield (alias.asname, alias.name) if alias.asname else ("tensorflow", "tensorflow")
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
            node.module == "tensorflow" or node.module.startswith("tensorflow.")):
        for alias in node.names:
            if alias.name != "*":
                yield alias.asname or alias.name, f"{node.module}.{alias.name}"


def _targets(node):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    return [dotted(t) for t in targets if dotted(t)]


def bindings(trees):
    """{"aliases": local name -> TF path, "sessions", "iterators": names bound to those, "compat_v1"}."""
    names = {"aliases": {}, "sessions": set(), "iterators": set(), "compat_v1": False}
    nodes = [n for tree in trees for n in _statements(tree)]
    for node in nodes:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        for name, path in _imported(node):
            names["aliases"][name] = canonical(path)
            names["compat_v1"] |= path.startswith("tensorflow.compat.v1")
    assigns = [n for n in nodes if isinstance(n, (ast.Assign, ast.AnnAssign)) and n.value is not None]
    withs = [(item.context_expr, [dotted(item.optional_vars)]) for n in nodes if isinstance(n, (ast.With, ast.AsyncWith))
             for item in n.items if item.optional_vars is not None and dotted(item.optional_vars)]
    imported = set(names["aliases"])
    for _ in range(2):  # an alias of an alias (slim = tf.contrib.slim; layers = slim.layers)
        for node in assigns:
            path = resolve(node.value, names)
            for target in _targets(node):  # FLAGS = tf.app.flags.FLAGS binds a value, not a module
                if path and "." not in target and not path.rsplit(".", 1)[-1].isupper():
                    names["aliases"][target] = path
    # A name also bound to something else (layers = tf.layers here, layers = [] there) is no alias.
    rebound = {t for n in assigns if resolve(n.value, names) is None for t in _targets(n)} - imported
    for name in rebound & set(names["aliases"]):
        del names["aliases"][name]
    for value, targets in [(n.value, _targets(n)) for n in assigns] + withs:
        if isinstance(value, ast.Call):
            made = resolve(value.func, names)
            method = value.func.attr if isinstance(value.func, ast.Attribute) else None
            if made in SESSION_MAKERS:
                names["sessions"].update(targets)
            if method in ITERATOR_MAKERS or (made or "").rsplit(".", 1)[-1] in ITERATOR_MAKERS:
                names["iterators"].update(targets)
    return names


def _session(receiver, names):
    last = receiver.rsplit(".", 1)[-1].lower()  # sess, mon_sess, self.session, tf_session
    return receiver in names["sessions"] or last.startswith("sess") or last.endswith(("sess", "session"))


def _idiom(node, names):
    """The idiom a call or attribute node is, if any: ``(what, symbol)``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver, method = dotted(node.func.value), node.func.attr
        if method == "run" and receiver and _session(receiver, names):
            return "idiom", "Session.run"
        if method in METHODS and resolve(node.func, names) is None:
            return "idiom", METHODS[method]
    if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
        if node.attr == "value" and isinstance(node.value, ast.Subscript):
            shape = node.value.value
            if (isinstance(shape, ast.Attribute) and shape.attr == "shape") or (
                    isinstance(shape, ast.Call) and isinstance(shape.func, ast.Attribute)
                    and shape.func.attr == "get_shape"):
                return "idiom", "Dimension.value"
        if node.attr in ATTRIBUTES and resolve(node, names) is None:
            return "idiom", ATTRIBUTES[node.attr]
        receiver = dotted(node.value)
        if node.attr == "initializer" and receiver and (
                receiver in names["iterators"] or "iter" in receiver.rsplit(".", 1)[-1].lower()):
            return "idiom", "Iterator.initializer"
    return None


def uses(tree, names):
    """Every TF use in ``tree``: (line, column from 1, what, symbol, the Call node or None)."""
    if not names["aliases"]:
        return  # a file that never imports TensorFlow uses none of it
    stack, calls = [tree], {}
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for name, path in _imported(node):
                if not canonical(path).startswith("tf.python"):  # TF's private modules: not its API
                    yield node.lineno, node.col_offset + 1, "symbol", canonical(path), None
            continue
        if isinstance(node, ast.Call):
            calls[id(node.func)] = node
            for keyword in node.keywords:
                if keyword.arg == "feed_dict":
                    yield keyword.lineno, keyword.col_offset + 1, "idiom", "feed_dict", None
        idiom = _idiom(node, names) if isinstance(node, (ast.Call, ast.Attribute)) else None
        if idiom:
            yield node.lineno, node.col_offset + 1, idiom[0], idiom[1], node
        if isinstance(node, (ast.Attribute, ast.Name)) and isinstance(node.ctx, ast.Load):
            path = resolve(node, names)
            path = PRIVATE.get(path, path)
            if path and path != "tf" and not path.startswith((V2, "tf.python")) and ".__" not in path:
                yield node.lineno, node.col_offset + 1, "symbol", path, calls.get(id(node))
                continue  # the chain's inner links are not uses of their own
        stack.extend(reversed(_children(node)))


# Nodes that hold no name: never pushed on the walk's stack (most of a tree's nodes are these).
LEAVES = (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop, ast.Constant)


# The fields that hold statements (an except clause's and a match case's body among them).
BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(tree):
    """Every statement of ``tree``, at any depth, without entering expressions: imports,
    assignments and with-statements are all ``bindings`` reads, and no expression holds one."""
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        for field in BODIES:
            stack += getattr(node, field, ())
    return found


def _children(node):
    """``ast.iter_child_nodes`` without the leaves, as a list (the scan's inner loop)."""
    found = []
    for field in node._fields:
        value = getattr(node, field, None)
        if isinstance(value, list):
            found += [item for item in value if isinstance(item, ast.AST) and not isinstance(item, LEAVES)]
        elif isinstance(value, ast.AST) and not isinstance(value, LEAVES):
            found.append(value)
    return found
