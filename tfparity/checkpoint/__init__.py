"""tfparity.checkpoint: TF1 Saver checkpoints read, and carried into TF2 object-based checkpoints
and back (``tfparity checkpoint``).

``convert`` (read, name maps, convert and reverse), ``files`` (the object tree written, staged and
swapped in whole, its new folders too), ``inspect`` (every variable and which optimizer slot it is);
without TensorFlow, so bad input is answered before it loads: ``prefixes`` (a prefix's files, two
spellings of one checkpoint, what may be read and written), ``maps`` (a map read and checked).
"""
