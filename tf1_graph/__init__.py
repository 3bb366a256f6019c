"""TF1 twins: genuine TF1 programs (placeholders, Session, GradientDescentOptimizer).

Each module builds its own ``tf1.Graph()`` per run, so both twins run in one process without
``disable_eager_execution()``. Contract: ``run(inputs) -> {field: per-step numpy array}``.
"""
