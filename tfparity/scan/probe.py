"""The status table, probed from the installed TensorFlow: what of the TF1 API still runs, and how.

``probe()`` walks every public module of ``tf`` and of ``tf.compat.v1`` (TensorFlow's generated
API modules only), looks up each TF1 name the walk cannot list (``knowledge.TF1_ONLY_NAMES``),
reads the signatures of functions whose TF1 and TF2 versions differ, computes one gradient where
the TF1 and TF2 losses differ in what they let through, and looks up each non-symbol idiom's
attribute. The scanner reads the committed table; ``parity_tests/test_scan.py`` re-probes it.
"""
import inspect
import types

from tfparity.core.quiet import import_tensorflow
from tfparity.scan import knowledge

# Large subtrees kept as one entry: every raw op exists natively, and tf.keras is Keras 3 itself.
OPAQUE = ("tf.raw_ops", "tf.keras", "tf.compat")
API = "tensorflow._api."  # the generated API modules; anything else (absl, numpy) is not TF's API
KERAS3 = "Keras 3"  # what TF 2.16+ says when a Keras 2 symbol is asked for (or a lazy module fails)


def _walk(module, prefix, found):
    """{dotted path: "module" | "object" | "raises under Keras 3"} for everything public under ``module``."""
    try:
        names = sorted(dir(module))
    except Exception:  # Keras 3 in place of Keras 2: the lazily loaded module cannot load
        found[prefix] = "raises under Keras 3"
        return
    for name in names:
        path = f"{prefix}.{name}"
        if name.startswith("_") or "keras" in name or path in OPAQUE:
            found.setdefault(path, "module") if path in OPAQUE else None
            continue
        try:
            value = getattr(module, name)
        except Exception as error:
            found[path] = "raises under Keras 3" if KERAS3 in str(error) else "removed"
            continue
        if isinstance(value, types.ModuleType) and getattr(value, "__name__", "").startswith(API):
            found[path] = "module"
            _walk(value, path, found)
        elif isinstance(value, types.ModuleType) and "keras" in value.__name__:  # Keras 2's, lazily
            try:
                dir(value)
                found[path] = "module"
            except Exception:
                found[path] = "raises under Keras 3"
        else:
            found[path] = "object"  # a function, a class, a constant, or a module not TF's own (absl)


def lookup(root, path):
    """The object at dotted ``path`` ("tf.a.b") under ``root``, or the exception that stopped it."""
    value = root
    for part in path.split(".")[1:]:
        try:
            value = getattr(value, part)
        except Exception as error:
            return error
    return value


def _status(tf, path, v1, v2):
    if path in v2:
        return "native TF2"
    kind = v1.get(path)
    if kind is None:  # not listed: look it up (a name the walk cannot reach)
        value = lookup(tf.compat.v1, path)
        if not isinstance(value, Exception):
            return "only compat.v1"
        return "raises under Keras 3" if KERAS3 in str(value) else "removed"
    return "only compat.v1" if kind in ("module", "object") else kind


def _parameters(function):
    try:
        return [p for p in inspect.signature(function).parameters if not p.startswith("_")]
    except (TypeError, ValueError):
        return None


def _signatures(tf, v1, v2):
    """TF1 keywords TF2 dropped, per function; the confirmed positional changes; the names whose
    TF2 function is another API (knowledge.OTHER_API, confirmed by their parameters)."""
    keywords = {}
    for path in sorted(set(v1) & set(v2)):
        old, new = lookup(tf.compat.v1, path), lookup(tf, path)
        if v1[path] == "object" and callable(old) and old is not new and not inspect.isclass(old):
            before, after = _parameters(old), _parameters(new)
            if before and after is not None and set(before) - set(after):
                keywords[path] = sorted(set(before) - set(after))
    apis = {}
    for path in knowledge.OTHER_API:
        old, new = lookup(tf.compat.v1, path), lookup(tf, path)
        if callable(old) and callable(new) and old is not new and _parameters(old) != _parameters(new):
            apis[path] = {"tf1": _parameters(old), "tf2": _parameters(new)}
    positional = {}
    for path, position, tf1_name, trigger in knowledge.POSITIONAL:
        after = _parameters(lookup(tf, path)) or []
        if position < len(after) and after[position] != tf1_name:
            positional[path] = {"position": position, "tf1": tf1_name, "tf2": after[position], "trigger": trigger}
    return keywords, positional, apis


def _members(tf, v1, v2):
    """Public attributes of a TF1 class that its TF2 namesake lacks (tf.data.Iterator.from_structure)."""
    members = {}
    for path in sorted(set(v1) & set(v2)):
        old, new = lookup(tf.compat.v1, path), lookup(tf, path)
        if inspect.isclass(old) and inspect.isclass(new) and old is not new:
            gone = sorted(name for name in set(dir(old)) - set(dir(new)) if not name.startswith("_"))
            if gone:
                members[path] = gone
    return members


def _gradients(tf):
    """Whether each softmax cross-entropy lets a gradient into its labels (TF1's did not)."""
    labels, logits = tf.constant([[0.2, 0.8]]), tf.constant([[1.0, 2.0]])
    into, verbosity = {}, tf.get_logger().level
    tf.get_logger().setLevel("ERROR")  # the TF1 loss logs its deprecation notice once
    for name, loss in (("tf1", tf.compat.v1.nn.softmax_cross_entropy_with_logits),
                       ("tf2", tf.nn.softmax_cross_entropy_with_logits)):
        with tf.GradientTape() as tape:
            tape.watch(labels)
            value = loss(labels=labels, logits=logits)
        into[name] = "gradient into labels" if tape.gradient(value, labels) is not None else "no gradient into labels"
    tf.get_logger().setLevel(verbosity)
    return {"tf.nn.softmax_cross_entropy_with_logits": into} if into["tf1"] != into["tf2"] else {}


def _idiom(tf, native, compat):
    for (path, attribute), status in ((native, "native TF2"), (compat, "only compat.v1")):
        owner = lookup(tf, path)
        if not isinstance(owner, Exception) and hasattr(owner, attribute):
            return status
    return "removed"


def probe():
    """The status table of the installed TensorFlow (plain JSON data)."""
    tf = import_tensorflow()
    v1, v2 = {}, {}
    _walk(tf.compat.v1, "tf", v1)
    _walk(tf, "tf", v2)
    v2 = {path for path, kind in v2.items() if kind in ("module", "object")}
    names = sorted(set(v1) | set(v2) | set(knowledge.TF1_ONLY_NAMES))
    statuses = {}
    for path in names:
        statuses.setdefault(_status(tf, path, v1, v2), []).append(path)
    keywords, positional, apis = _signatures(tf, v1, v2)
    return {"tensorflow": tf.__version__, "statuses": dict(sorted(statuses.items())),
            "keywords": keywords, "positional": positional, "other_api": apis, "members": _members(tf, v1, v2), "gradients": _gradients(tf),
            "idioms": {name: _idiom(tf, *where) for name, where in knowledge.IDIOMS.items()}}
