"""tfparity.checkpoint: TF1 Saver checkpoints read, and carried into TF2 object-based checkpoints
and back (``tfparity checkpoint``).

``convert`` (read, name maps, convert and reverse), ``files`` (the object tree written, staged and
swapped in whole), ``inspect`` (every variable and which optimizer slot it is).
"""
