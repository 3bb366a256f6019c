"""tfparity.port: the runtime library that the twins and users' TF2 ports import, a small stable API
that depends on TensorFlow, Keras and NumPy only (never on the harness).

- ``optimizers``: TF1's nine ``tf1.train`` optimizers as TF2 objects, bit for bit, slots by TF1 name;
- ``keras_optimizers``: the same rules as Keras 3 optimizers, for ``model.fit``;
- ``keras_layers``: Keras 3 layers that compute what the TF1 graph computed, op for op;
- ``rnn_cells``: TF1's LSTM and GRU cells' weights as Keras 3's LSTM and GRU take them, and back;
- ``keras_trace``: a ``fit`` port's per-step trace (each batch's loss, the weights after each step);
- ``teacher``: one step from a state, the reference's own, set by TF1 name (the local verdicts).
"""
