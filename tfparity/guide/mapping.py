"""Each TF1 construct the twins use, its TF2 replacement, and how to find both in the twins.

A rule is (TF1 construct, TF1 pattern, TF2 replacement, TF2 pattern, why). Pages list the rules
whose TF1 pattern occurs in the example's TF1 twin, with the first matching line in each twin.
``symbol_rows`` renders the other half of the API map: every TF1 symbol of the scanner's table
(docs/notes/api_map.tsv, ``tfparity.scan.advice``) with the page and verdict that prove it, the
same rows ``tfparity scan`` reports from.
"""
import re

from tfparity.scan import advice

RULES = [
    ("tf1.Graph() / graph.as_default()", r"tf1\.Graph\(\)", "nothing: eager runs ops at once; "
     "tf.function traces a graph when you want one", r"tf\.function\(",
     "a graph per run keeps both twins in one process without disable_eager_execution()"),
    ("graph.finalize()", r"graph\.finalize\(\)", "nothing: eager builds no graph; a tf.function "
     "traces once per input signature", r"tf\.function\(",
     "an op created inside the training loop becomes an error instead of a slow leak"),
    ("tf1.placeholder", r"tf1\.placeholder\(", "a function argument (a tensor passed in)",
     r"^def (train_step|run)\(", "data enters as arguments, not through a symbolic input"),
    ("feed_dict={...}", r"feed_dict=", "calling the step with tensors", r"(?<![\w.])step\(",
     "the feed becomes the call's arguments"),
    ("tf1.Session / sess.run", r"tf1\.Session\(", "plain calls; .numpy() to read a value",
     r"\.numpy\(\)", "no session: values exist as soon as the op ran"),
    ("tf1.global_variables_initializer()", r"global_variables_initializer\(", "nothing",
     r"tf\.Variable\(", "a tf.Variable holds its value from the moment it is created"),
    ("tf1.Variable", r"tf1\.Variable\(", "tf.Variable", r"tf\.Variable\(",
     "same initial value from shared_data; TF2 variables are resource variables"),
    ("tf1.gradients(loss, var)", r"tf1\.gradients\(", "tf.GradientTape() ... tape.gradient(loss, var)",
     r"tape\.gradient\(", "the tape records the forward pass instead of the graph"),
    ("GradientDescentOptimizer(lr).minimize(loss)", r"^(?!.*Adam).*\.minimize\(",
     "GradientTape + var.assign_sub(lr * grad)", r"assign_sub\(",
     "ApplyGradientDescent computes var − lr·grad, the same arithmetic as assign_sub"),
    ("optimizer.apply_gradients(zip(grads, vars))", r"apply_gradients\((?!zip\(tape)",
     "var.assign_sub(lr * grad) for each pair", r"assign_sub\(",
     "hand-written gradients are applied the same way"),
    ("tf1.control_dependencies", r"tf1\.control_dependencies\(",
     "nothing: eager runs in program order, tf.function adds automatic control dependencies",
     r"assign_sub\(", "a TF1 graph orders only what depends on what: each variable read is its own op"),
    ("tf1.assign_sub(variable, delta)", r"tf1\.assign_sub\(", "variable.assign_sub(delta)",
     r"\.assign_sub\(", "an op in the graph becomes a method call that runs at once"),
    ("tf1.group(*ops)", r"tf1\.group\(", "nothing: the calls simply run one after another",
     r"\.assign_sub\(", "a group only bundled ops into one thing to sess.run"),
    ("learning rate as a placeholder", r"learning_rate = tf1\.placeholder\(",
     "learning rate as a tensor argument", r"learning_rate = tf\.constant\(",
     "a Python float passed to a tf.function would retrace for every new value"),
    ("tf1.nn.softmax_cross_entropy_with_logits_v2", r"softmax_cross_entropy_with_logits_v2\(",
     "tf.nn.softmax_cross_entropy_with_logits", r"softmax_cross_entropy_with_logits\(",
     "v2 became the default name; v1 did not propagate gradients into labels"),
    ("tf1.nn.sigmoid_cross_entropy_with_logits", r"tf1\.nn\.sigmoid_cross_entropy_with_logits\(",
     "tf.nn.sigmoid_cross_entropy_with_logits", r"tf\.nn\.sigmoid_cross_entropy_with_logits\(",
     "same op; in graph mode grappler rewrites its gradient (see the tolerance table)"),
    ("a Python loop of sess.run calls", r"sess\.run\(", "the whole loop in one tf.function: "
     "tf.range, TensorArray for the trace (run_loop)", r"for step in tf\.range\(",
     "one call instead of one per update: measured bit-identical and faster than the Session "
     "(performance.md)"),
    ("tf1.variable_scope(name)", r"tf1\.variable_scope\(", "a tf.Module per layer, its variables "
     "created inside `with self.name_scope:`", r"with self\.name_scope:",
     "the scope becomes the module: variable names stay TF1's ('model/conv1/weights')"),
    ("tf1.get_variable(name, initializer=value)", r"tf1\.get_variable\(", "tf.Variable(value, name=name) "
     "in the layer's module", r"tf\.Variable\(", "the initial value from shared_data either way; "
     "TF2 has no variable store, so a second call would not find it"),
    ("tf1.variable_scope(scope, reuse=True)", r"tf1\.variable_scope\(.*reuse=True", "calling the model again with the same "
     "module", r"None, net\)", "reuse is holding the module, not a flag"),
    ("tf1.trainable_variables()", r"tf1\.trainable_variables\(", "the module's variables, in TF1's "
     "order of creation", r"self\.ordered = ", "tf.Module.trainable_variables sorts by attribute name"),
    ("tf1.nn.conv2d", r"tf1\.nn\.conv2d\(", "tf.nn.conv2d", r"tf\.nn\.conv2d\(",
     "the same Conv2D op; graph mode may fuse it with its bias add and ReLU"),
    ("tf1.nn.bias_add", r"tf1\.nn\.bias_add\(", "tf.nn.bias_add", r"tf\.nn\.bias_add\(",
     "the same BiasAdd op, which fusions match by name"),
    ("tf1.nn.relu", r"tf1\.nn\.relu\(", "tf.nn.relu", r"tf\.nn\.relu\(", "the same op"),
    ("tf1.nn.max_pool", r"tf1\.nn\.max_pool\(", "tf.nn.max_pool2d", r"tf\.nn\.max_pool2d\(",
     "the same MaxPool op; TF2's tf.nn.max_pool is the N-D one"),
    ("tf1.reshape", r"tf1\.reshape\(", "tf.reshape", r"tf\.reshape\(", "the same op"),
    ("dropout: x * keep_mask fed per step", r"hidden \* keep_mask", "the same mask, passed as a tensor",
     r"hidden \* keep_mask", "masks drawn in shared_data: tf1.nn.dropout(keep_prob) and tf.nn.dropout(rate) "
     "differ in meaning and in draws (pitfalls.md)"),
    ("tf1.train.AdamOptimizer(lr).minimize(loss)", r"AdamOptimizer\(", "tfparity.port.optimizers.Adam(lr)"
     ".apply_gradients(zip(grads, vars))", r"optimizers\.Adam\b", "TF1's ResourceApplyAdam bit for "
     "bit; Keras 3 Adam computes it otherwise (false_friends.md)"),
    ("tf1.make_template(name, model) (the eager shim)", r"tf1\.make_template\(", "a tf.Module holding "
     "the variables", r"class \w+\(tf\.Module\)", "the interim stage: TF1 code run eagerly, the "
     "template keeping its variables; AUTO_REUSE would not (pitfalls.md)"),
    ("tf1.GradientTape (the eager shim)", r"tf1\.GradientTape\(", "tf.GradientTape", r"tf\.GradientTape\(",
     "the same tape; compat.v1 re-exports it"),
    ("GradientDescentOptimizer(python_float) on float64", r"tf1\.constant\(config\[\"learning_rate\"\]",
     "lr * grad in the variable's dtype", r"assign_sub\(learning_rate",
     "TF1 turns a Python learning rate into float32 first: 0.1 becomes 0.10000000149 in float64"),
    ("tf.nn.rnn_cell.BasicLSTMCell(units, forget_bias)", r"rnn_cell\.BasicLSTMCell\b", "a tf.Module whose call is "
     "BasicLSTMCell.call's ops in order: one matmul on concat([x, h]), bias_add, split into i, j, f, o, "
     "sigmoid(f + forget_bias)", r"class BasicLSTMCell\(tf\.Module\)",
     "the same ops in the same order: bit-identical; forget_bias is added at every step and is in no variable"),
    ("tf.nn.rnn_cell.LSTMCell(units, forget_bias)", r"rnn_cell\.LSTMCell\b", "a tf.Module with LSTMCell.call's ops",
     r"class LSTMCell\(tf\.Module\)", "BasicLSTMCell's variables and mathematics, its products written the "
     "other way round; peepholes and num_proj add variables the twin does not have"),
    ("tf.nn.rnn_cell.GRUCell(units)", r"rnn_cell\.GRUCell\b", "a tf.Module with GRUCell.call's ops",
     r"class GRUCell\(tf\.Module\)", "the reset gate multiplies the state before the candidate's product "
     "(Keras's reset_after=False); gates/ and candidate/ variables"),
    ("tf.nn.rnn_cell.MultiRNNCell(cells)", r"rnn_cell\.MultiRNNCell\(", "a tf.Module calling each cell on the "
     "output of the one below", r"class MultiRNNCell\(tf\.Module\)",
     "the variables stay under multi_rnn_cell/cell_N/, the state a tuple of the cells' states"),
    ("tf.contrib.rnn.* (BasicLSTMCell, LSTMCell, GRUCell, MultiRNNCell, static_rnn)", r"tf\.contrib\.rnn\.",
     "as tf.nn.rnn_cell's and tf.nn's (rows above)", r"class BasicLSTMCell\(tf\.Module\)",
     "TF 1.x's contrib.rnn re-exported the same classes and functions; TF 2 has no contrib"),
    ("tf.nn.static_rnn(cell, inputs)", r"tf1\.nn\.static_rnn\(", "a Python loop over the steps, each variable read "
     "once before it", r"weights = cell\.read\(\)", "static_rnn reads each variable once (a caching device) and its "
     "gradient sums the steps' terms in one AddN, as the tape does for a tensor used at every step"),
    ("tf.nn.dynamic_rnn(cell, inputs)", r"tf1\.nn\.dynamic_rnn\(", "the same loop, the weights handed on "
     "through tf.identity", r"tf\.nest\.map_structure\(tf\.identity", "the while_loop's gradient adds each step's "
     "term to a running sum, the last step first; a chain of identities passes the gradient back the same way"),
    ("sequence_length=lengths", r"sequence_length=lengths", "tf.where(done, zeros, output) and tf.where(done, "
     "state, new_state) at each step", r"tf\.where\(done", "TF1's _rnn_step: past a sequence's end the output "
     "is zeros and the state is carried; its condition picks whole rows, tf.where broadcasts [batch, 1]"),
]

# The Keras stage (the TF2 twin's ``# %% keras fit (TF2 only)`` section): each TF1 construct and
# its counterpart in a ``model.fit`` port, listed where the TF1 twin uses it and the TF2 twin's
# Keras section has the counterpart. The same shape as RULES.
KERAS_RULES = [
    ("a Python loop of sess.run(train_op, feed_dict=...) over the batches", r"feed_dict=",
     "model.fit(batches, epochs=E, steps_per_epoch=S, shuffle=False) over a tf.data pipeline in TF1's order",
     r"\.fit\(", "with steps_per_epoch set, fit reads the one pipeline on from epoch to epoch; shuffle=False "
     "is fit's only way not to reorder arrays (false_friends.md)"),
    ("tf1.global_variables_initializer() of values from shared_data", r"global_variables_initializer\(",
     "layer.set_weights([...]) from shared_data", r"set_weights\(", "Keras' initializers draw other values"),
    ("tf1.matmul(x, W) + b", r"tf1\.matmul\(.*\) \+ ", "tfparity.port.keras_layers.TF1Dense", r"TF1Dense\(",
     "keras.layers.Dense adds with tf.nn.bias_add, whose gradient sums the batch in another order"),
    ("tf1.nn.conv2d + tf1.nn.bias_add", r"tf1\.nn\.conv2d\(", "keras.layers.Conv2D(filters, 5, padding=\"same\")",
     r"layers\.Conv2D\(", "the same Conv2D and BiasAdd ops"),
    ("tf1.nn.max_pool", r"tf1\.nn\.max_pool\(", "keras.layers.MaxPooling2D(2, padding=\"same\")",
     r"MaxPooling2D\(", "the same MaxPool op"),
    ("dropout: x * keep_mask fed per step", r"hidden \* keep_mask", "the mask as a second model input, "
     "keras.layers.Multiply", r"layers\.Multiply\(", "keras.layers.Dropout would draw masks of its own"),
    ("tf1.train.GradientDescentOptimizer(lr)", r"GradientDescentOptimizer\(", "keras_optimizers.wrap("
     "optimizers.GradientDescent(lr)) in compile", r"optimizers\.GradientDescent\(",
     "TF1's kernel inside fit; keras.optimizers.SGD also matched here (keras_fit.md)"),
    ("tf1.train.AdamOptimizer(lr)", r"AdamOptimizer\(", "keras_optimizers.wrap(optimizers.Adam(lr)) in compile",
     r"keras_optimizers\.wrap\(", "TF1's ResourceApplyAdam inside fit; keras.optimizers.Adam rounds otherwise"),
    ("learning rate fed per epoch", r"learning_rate = tf1\.placeholder\(", "a tf.Variable the rule reads, "
     "set by keras.callbacks.LambdaCallback(on_epoch_begin=...)", r"LambdaCallback\(",
     "fit's optimizer is built once; the callback changes what it reads"),
    ("the loss each sess.run fetched with its step", r"sess\.run\(\[train_op, loss\]",
     "keras_trace.BatchLoss as a metric, keras_trace.Trace as a callback", r"BatchLoss\(",
     "fit's reported loss is the epoch's running mean, not the batch's (false_friends.md)"),
    ("tf.nn.rnn_cell.BasicLSTMCell / LSTMCell", r"rnn_cell\.(Basic)?LSTMCell\b", "keras.layers.LSTM(units), "
     "weights by tfparity.port.rnn_cells.to_keras", r"keras\.layers\.LSTM\(", "gates i, j, f, o become i, f, c, o, "
     "x and h get a kernel each, and forget_bias is folded into f's bias: another formulation, within its "
     "measured bound"),
    ("tf.nn.rnn_cell.GRUCell", r"rnn_cell\.GRUCell\b", "keras.layers.GRU(units, reset_after=False)",
     r"layers\.GRU\(.*reset_after=False", "Keras 3's default reset_after=True applies the reset gate after the product: "
     "another function, with a bias of two rows"),
    ("tf.nn.rnn_cell.MultiRNNCell", r"rnn_cell\.MultiRNNCell\(", "one Keras layer per cell, "
     "return_sequences=True below the top", r"return_sequences=", "each layer reads the sequence of the one below"),
    ("sequence_length=lengths", r"sequence_length=lengths", "a boolean mask input, layer(x, mask=mask)",
     r"mask=mask", "past a sequence's end Keras repeats the last valid output where TF1 writes zeros; both "
     "carry the state, so Keras's last output is TF1's final h"),
]


def first_line(source, pattern):
    """1-based number of the first line matching ``pattern``, or None."""
    for number, line in enumerate(source.splitlines(), 1):
        if re.search(pattern, line.strip()):
            return number
    return None


def rows(tf1_source, tf2_source, rules=RULES):
    """(rule, TF1 line, TF2 line) for every rule the TF1 twin uses; with ``rules=KERAS_RULES``,
    for those whose counterpart the TF2 twin has too (its Keras section)."""
    found = []
    for rule in rules:
        tf1_line, tf2_line = first_line(tf1_source, rule[1]), first_line(tf2_source, rule[3])
        if tf1_line and (tf2_line or rules is RULES):
            found.append((rule, tf1_line, tf2_line))
    return found


def _link(row):
    """The row's page, linked, and the section (the start of a heading) that proves it there."""
    if not row["page"]:
        return advice.NOT_COVERED
    page = row["page"].removeprefix("docs/")
    return f"[{page.removesuffix('.md')}]({page})" + (f" § {row['section']}" if row["section"] else "")


def symbol_rows(folder):
    """[TF1 symbol, TF2 replacement, proven on, verdict, its namesake] for every row of the
    scanner's table, the verdicts read from the records in ``folder``/results."""
    found = []
    for symbol, row in advice.resolved(folder).items():
        replacement = f"`{row['replacement']}`" + (f" — {row['note']}" if row["note"] else "") if row["replacement"] \
            else row["note"]
        namesake = (f"{row['namesake_name'] or 'the namesake'}: {row['namesake_verdict']}"
                    + (" (**false friend**)" if row["false_friend"] else "")) if row["namesake"] else ""
        found.append([f"`{symbol}`", replacement, _link(row), row["verdict"] or "—", namesake or "—"])
    return found
