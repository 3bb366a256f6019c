"""What the scanner knows beyond the installed TensorFlow: replacements, guide pages, silent changes.

Statuses are never kept here: ``tfparity.scan.probe`` measures them from the installed TF. This
module holds what a probe cannot tell: which TF2 construct replaces a TF1 one, which page of this
project proves it, which old parameter order a positional call was written for, and which
non-symbol idioms exist. Plain data; it imports nothing.
"""
# Guide pages, relative to the checkout (findings and SARIF point at them).
API_MAP, PITFALLS, FRIENDS = "docs/api_map.md", "docs/pitfalls.md", "docs/false_friends.md"
RNN = "docs/mnist_rnn.md"  # the twin of TF1's cells, static_rnn and dynamic_rnn; stock Keras LSTM and GRU
NOT_COVERED = "not covered yet"

# TF1 symbol or prefix -> (TF2 replacement, the page that proves it). The longest prefix decides.
REPLACEMENTS = {
    "tf.placeholder": ("a function argument: the tensor passed in", API_MAP),
    "tf.placeholder_with_default": ("a function argument with a default", API_MAP),
    "tf.Session": ("plain calls; .numpy() to read a value", API_MAP),
    "tf.InteractiveSession": ("plain calls; .numpy() to read a value", API_MAP),
    "Session.run": ("call the step (a tf.function) directly; the whole loop in one tf.function", API_MAP),
    "Session.run(feed)": ("pass the fed tensors as the step's arguments", API_MAP),
    "feed_dict": ("pass the fed tensors as the step's arguments", API_MAP),
    "Tensor.eval": ("the value at once; .numpy() to read it", API_MAP),
    "tf.global_variables_initializer": ("nothing: a tf.Variable holds its value when created", API_MAP),
    "tf.initialize_all_variables": ("nothing: a tf.Variable holds its value when created", API_MAP),
    "tf.local_variables_initializer": ("nothing: a tf.Variable holds its value when created", API_MAP),
    "tf.gradients": ("tf.GradientTape() ... tape.gradient(loss, var)", API_MAP),
    "tf.assign_sub": ("variable.assign_sub(delta)", API_MAP),
    "tf.assign_add": ("variable.assign_add(delta)", API_MAP),
    "tf.assign": ("variable.assign(value)", API_MAP),
    "tf.group": ("nothing: the calls run one after another", API_MAP),
    "tf.reset_default_graph": ("nothing: eager builds no graph; a tf.Graph() per run if you need one", API_MAP),
    "tf.get_default_graph": ("nothing: eager builds no graph; tf.function traces one", API_MAP),
    "tf.random_normal": ("inputs drawn once with NumPy from an explicit seed (shared_data)", PITFALLS),
    "tf.random_uniform": ("inputs drawn once with NumPy from an explicit seed (shared_data)", PITFALLS),
    "tf.truncated_normal": ("inputs drawn once with NumPy from an explicit seed (shared_data)", PITFALLS),
    "tf.set_random_seed": ("tf.random.set_seed plus a seed on every op (TF1 and TF2 draw differently)", PITFALLS),
    "tf.disable_eager_execution": ("a tf.Graph() per run instead of switching eager off", PITFALLS),
    "tf.disable_v2_behavior": ("a tf.Graph() per run instead of switching TF2 off", PITFALLS),
    "tf.layers": ("tf.Variable and tf.matmul, as the twins write layers (or keras.layers)", PITFALLS),
    **{f"{module}.{name}": advice for module in ("tf.nn.rnn_cell", "tf.contrib.rnn") for name, advice in {
        "BasicLSTMCell": ("keras.layers.LSTM(units), weights by tfparity.port.rnn_cells.to_keras (gates i, f, c, o; "
                          "forget_bias folded into the bias)", RNN),
        "LSTMCell": ("keras.layers.LSTM(units), weights by tfparity.port.rnn_cells.to_keras (no peepholes, no "
                     "num_proj: Keras's LSTM has neither)", RNN),
        "GRUCell": ("keras.layers.GRU(units, reset_after=False), weights by tfparity.port.rnn_cells.to_keras "
                    "(Keras 3's default reset_after=True is another function)", RNN),
        "MultiRNNCell": ("one Keras LSTM/GRU layer per cell, return_sequences=True below the top", RNN),
        "static_rnn": ("the Keras layer on [batch, time, features], or a loop over the steps", RNN),
        "static_bidirectional_rnn": ("keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))"
                                     "(x)[:, -1] for TF1's outputs[-1]", "docs/porting.md"),
    }.items()},
    "tf.nn.rnn_cell": ("a tf.Module cell with TF1's ops and a loop over steps, or keras.layers.LSTM / "
                       "GRU(reset_after=False) with tfparity.port.rnn_cells' weights (the mnist_rnn twin)", RNN),
    "tf.contrib.rnn": ("as tf.nn.rnn_cell and tf.nn.static_rnn / dynamic_rnn (the mnist_rnn twin)", RNN),
    "tf.nn.static_rnn": ("the Keras layer on [batch, time, features], or a loop over the steps", RNN),
    "tf.nn.dynamic_rnn": ("the Keras layer on [batch, time, features], sequence_length as its mask "
                          "(tf.sequence_mask) with zero_output_for_mask=True: TF1's zeros past a sequence's end",
                          RNN),
    "tf.nn.bidirectional_dynamic_rnn": ("keras.layers.Bidirectional(keras.layers.LSTM(units, return_sequences=True))",
                                        "docs/porting.md"),
    "tf.contrib": ("no TF2 module: tf.contrib was removed", NOT_COVERED),
    "tf.estimator": ("a tf.function training loop (tf.estimator is gone from TF 2.16 on)", NOT_COVERED),
    "tf.examples.tutorials.mnist": ("shared_data.mnist: the checksum-verified MNIST loader", "docs/mlp.md"),
    "tf.nn.softmax_cross_entropy_with_logits_v2": ("tf.nn.softmax_cross_entropy_with_logits", API_MAP),
    "tf.nn.softmax_cross_entropy_with_logits": (
        "tf.nn.softmax_cross_entropy_with_logits(labels=tf.stop_gradient(labels), logits=logits)", FRIENDS),
    "tf.nn.sigmoid_cross_entropy_with_logits": ("the same op, called with labels= and logits= keywords",
                                                "docs/classification.md"),
    "tf.nn.sparse_softmax_cross_entropy_with_logits": ("the same op, called with labels= and logits= keywords",
                                                       NOT_COVERED),
    "tf.summary": ("tf.summary.create_file_writer(logdir).as_default() around tf.summary.scalar(name, data, "
                   "step=step)", NOT_COVERED),
    "tf.losses": ("the exact TF2 rule for SUM_BY_NONZERO_WEIGHTS, not a keras.losses namesake", FRIENDS),
    "tf.nn.dropout": ("tf.nn.dropout(x, rate=1 - keep_prob)", NOT_COVERED),
    "tf.split": ("tf.split(value, num_or_size_splits, axis): the value comes first", NOT_COVERED),
    "tf.concat": ("tf.concat(values, axis): the values come first", NOT_COVERED),
    "tf.math.in_top_k": ("tf.math.in_top_k(targets, predictions, k) or keywords", NOT_COVERED),
    "tf.nn.in_top_k": ("tf.math.in_top_k(targets, predictions, k) or keywords", NOT_COVERED),
    "tf.train.Saver": ("tf.train.Checkpoint", NOT_COVERED),
    "tf.train.start_queue_runners": ("tf.data: a Dataset iterated in Python or in a tf.function", NOT_COVERED),
    "QueueRunner.create_threads": ("tf.data: a Dataset iterated in Python or in a tf.function", NOT_COVERED),
    "Dataset.make_one_shot_iterator": ("iter(dataset) or a for loop over the dataset", NOT_COVERED),
    "Dataset.make_initializable_iterator": ("iter(dataset), made anew for each pass", NOT_COVERED),
    "Iterator.initializer": ("nothing: a new iter(dataset) starts from the beginning", NOT_COVERED),
    "Iterator.make_initializer": ("nothing: a new iter(dataset) starts from the beginning", NOT_COVERED),
    "Dataset.output_types": ("dataset.element_spec", NOT_COVERED),
    "Dataset.output_shapes": ("dataset.element_spec", NOT_COVERED),
    "Dataset.output_classes": ("dataset.element_spec", NOT_COVERED),
    "Dimension.value": ("x.shape[i] is already an int (or None)", NOT_COVERED),
    "VariableScope.reuse_variables": ("one tf.Variable (or tf.Module) reused by reference", NOT_COVERED),
}

# TF1 keyword -> its TF2 spelling, for keywords the probe finds only in the compat.v1 signature.
KEYWORDS = {"reduction_indices": "axis=", "keep_dims": "keepdims=", "dimension": "axis=", "dim": "axis=",
            "keep_prob": "rate=1 - keep_prob", "filter": "filters=", "squeeze_dims": "axis=",
            "batch_dim": "batch_axis=", "seq_dim": "seq_axis="}

# The replacement a finding gets from its status alone, where REPLACEMENTS names nothing.
DEFAULT_REPLACEMENT = {
    "only compat.v1": "tf.compat.v1 keeps it running; no TF2 port of it is proven here",
    "raises under Keras 3": "none in TF 2.21 with Keras 3: rewrite it, or install tf_keras",
    "removed": "none in TF 2.21: rewrite it",
}

# tf.train optimizers whose Keras 3 namesake computes something else (measured by tfparity friends).
OPTIMIZERS = ("GradientDescent", "Momentum", "Adam", "RMSProp", "Adagrad", "Adadelta")

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
