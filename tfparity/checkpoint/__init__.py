"""tfparity.checkpoint: TF1 Saver checkpoints read, and carried into TF2 object-based checkpoints
and back (``tfparity checkpoint``).

``convert`` (read, name maps, convert and reverse), ``files`` (the object tree written, staged and
swapped in whole, its new folders too), ``inspect`` (every variable, which optimizer slot it is, which TF1 RNN cell), ``cells`` (a
TF1 cell's map entry: its weights and slots in Keras's layout and back, a plain copy refused),
``matching`` (which Keras cell of the objects takes which TF1 cell: ``--auto``'s rule and the
replay's), ``metagraph`` (each LSTM cell's forget_bias, read from the program's graph beside it), ``verify`` (``--verify``: the checkpoint restored into the port, each cell run against TF1's);
without TensorFlow, so bad input is answered before it loads: ``prefixes`` (a prefix's files, two
spellings of one checkpoint, what may be read and written), ``maps`` (a map read and checked).
"""
