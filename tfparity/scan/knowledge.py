"""What the scanner knows beyond the installed TensorFlow and the API map: silent changes, idioms.

Statuses are never kept here: ``tfparity.scan.probe`` measures them from the installed TF; nor
are replacements and pages: the API map's table (``tfparity.scan.advice``) has them. This module
holds what neither can tell: which old parameter order a positional call was written for, which
keywords became which, and which non-symbol idioms exist. Plain data; it imports nothing.
"""
API_MAP = "docs/api_map.md"  # the page of every TF1 construct (the API map)
NOT_COVERED = "not covered yet"  # the guide of a finding no page proves (as tfparity.scan.advice says)

# What each TF1 symbol is replaced by, and which page proves it, is not kept here: it is the API
# map's table, docs/notes/api_map.tsv (tfparity.scan.advice), which the guide renders too.

# Private module paths TF1 tutorials imported a public TF1 function by: the public name they stand for.
PRIVATE = {"tf.python.framework.ops.reset_default_graph": "tf.reset_default_graph"}

# TF1 keyword -> its TF2 spelling, for keywords the probe finds only in the compat.v1 signature.
# The finding's replacement is the call with it: tf.reduce_sum(..., axis=...).
KEYWORDS = {"reduction_indices": "axis=...", "keep_dims": "keepdims=...", "dimension": "axis=...", "dim": "axis=...",
            "keep_prob": "rate=1 - keep_prob", "filter": "filters=...", "squeeze_dims": "axis=...",
            "batch_dim": "batch_axis=...", "seq_dim": "seq_axis=...", "targets": "labels=..."}

# The note a finding gets from its status alone, where the API map's table has no row for it (its
# replacement is then empty: no line of TF2 code is offered that nothing here proves).
DEFAULT_REPLACEMENT = {
    "only compat.v1": "tf.compat.v1 keeps it running; no TF2 port of it is proven here",
    "raises under Keras 3": "none in TF 2.21 with Keras 3: rewrite it, or install tf_keras",
    "removed": "none in TF 2.21: rewrite it",
}

# Calls whose positional meaning changed: (TF1 symbol, position, the parameter that position held
# in the TF1-era signature, trigger). "any" flags every positional use of that position, "int"
# only an int literal there (TF 0.x wrote tf.split(0, 2, x) and tf.concat(1, [a, b])). The probe
# confirms each against the installed TF2 signature.
POSITIONAL = (
    ("tf.nn.sigmoid_cross_entropy_with_logits", 0, "logits", "any"),
    ("tf.nn.softmax_cross_entropy_with_logits", 0, "logits", "any"),
    ("tf.nn.sparse_softmax_cross_entropy_with_logits", 0, "logits", "any"),
    ("tf.nn.in_top_k", 0, "predictions", "any"),
    ("tf.math.in_top_k", 0, "predictions", "any"),
    ("tf.nn.dropout", 1, "keep_prob", "any"),
    ("tf.split", 0, "split_dim", "int"),
    ("tf.concat", 0, "concat_dim", "int"),
)

# TF2 names that TF1 code used for another API: the probe keeps those whose TF1 and TF2 functions
# differ in object and parameters. TF2's summary ops record nothing without a default writer.
OTHER_API = ("tf.summary.scalar", "tf.summary.histogram", "tf.summary.image", "tf.summary.audio",
             "tf.summary.text")

# Calls whose result is a TF1 session: a name bound to one makes its .run(...) calls findings.
SESSION_MAKERS = ("tf.Session", "tf.InteractiveSession", "tf.train.MonitoredTrainingSession",
                  "tf.train.MonitoredSession", "tf.train.SingularMonitoredSession", "tf.get_default_session")
# Calls whose result is a TF1 iterator with an ``initializer``.
ITERATOR_MAKERS = ("make_initializable_iterator", "from_structure", "from_string_handle")

# Non-symbol idioms -> (what TF2 must have for the idiom to work natively, what compat.v1 has):
# each an (object path, attribute) the probe looks up. Dimension only exists in compat.v1.
IDIOMS = {
    "feed_dict": (("tf.Session", "run"), ("tf.compat.v1.Session", "run")),
    "Session.run": (("tf.Session", "run"), ("tf.compat.v1.Session", "run")),
    "Session.run(feed)": (("tf.Session", "run"), ("tf.compat.v1.Session", "run")),
    "Tensor.eval": (("tf.Session", "run"), ("tf.compat.v1.Session", "run")),
    "Dimension.value": (("tf.Dimension", "value"), ("tf.compat.v1.Dimension", "value")),
    "VariableScope.reuse_variables": (("tf.VariableScope", "reuse_variables"),
                                      ("tf.compat.v1.VariableScope", "reuse_variables")),
    "Iterator.initializer": (("tf.data.Iterator", "initializer"), ("tf.compat.v1.data.Iterator", "initializer")),
    "Dataset.make_one_shot_iterator": (("tf.data.Dataset", "make_one_shot_iterator"),
                                       ("tf.compat.v1.data.Dataset", "make_one_shot_iterator")),
    "Dataset.make_initializable_iterator": (("tf.data.Dataset", "make_initializable_iterator"),
                                            ("tf.compat.v1.data.Dataset", "make_initializable_iterator")),
    "Iterator.make_initializer": (("tf.data.Iterator", "make_initializer"),
                                  ("tf.compat.v1.data.Iterator", "make_initializer")),
    "Dataset.output_types": (("tf.data.Dataset", "output_types"), ("tf.compat.v1.data.Dataset", "output_types")),
    "Dataset.output_shapes": (("tf.data.Dataset", "output_shapes"), ("tf.compat.v1.data.Dataset", "output_shapes")),
    "Dataset.output_classes": (("tf.data.Dataset", "output_classes"),
                               ("tf.compat.v1.data.Dataset", "output_classes")),
    "QueueRunner.create_threads": (("tf.train.QueueRunner", "create_threads"),
                                   ("tf.compat.v1.train.QueueRunner", "create_threads")),
}

# TF1 names that no longer exist anywhere, so no walk of the installed TF can list them: the
# probe looks each up and records it (as removed, unless this TF has it after all).
TF1_ONLY_NAMES = ("tf.contrib", "tf.estimator", "tf.examples", "tf.examples.tutorials.mnist",
                  "tf.layers.dense", "tf.layers.conv2d", "tf.nn.rnn_cell.BasicLSTMCell",
                  "tf.nn.rnn_cell.LSTMCell", "tf.nn.rnn_cell.GRUCell", "tf.nn.rnn_cell.BasicRNNCell",
                  "tf.nn.rnn_cell.MultiRNNCell", "tf.pack", "tf.unpack", "tf.mul", "tf.sub", "tf.neg",
                  "tf.initialize_all_variables", "tf.nn.rnn", "tf.nn.seq2seq", "tf.app.flags.FLAGS")
