"""tfparity.core: the harness and what every feature stands on.

The vocabulary (``modes``: the execution modes and the one map of a mode to its call; ``exits``:
the exit statuses and ``UsageError``), the harness (``harness``: run an example's twins in every
mode; ``report``: its tables), the one comparison (``compare``, ``structure``), the tolerance table
by cause (``tolerances``), machine fingerprints (``machine``), records and exact JSON (``records``,
``jsonio``), atomic files and signals (``files``, ``signals``), fresh processes (``fresh``,
``cluster``), quiet TensorFlow loading (``quiet``) and where things are (``paths``). It imports
nothing else of the project: the harness finds examples by name.
"""
