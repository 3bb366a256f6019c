"""Faulty workers for the fault runs (runs.fault, parity_tests/test_data_parallel.py): worker
targets ('module:function') that fail in a planted way, started by tfparity.core.cluster beside a
healthy one."""
import os
import time

# Longer than any test's timeout: the worker would never join without being stopped.
FOREVER_S = 3600


def exit_mid_run(inputs, **options):
    """Trains as the TF2 twin does, then exits with status 3 after the first epoch, while its peer
    waits for it in the next all-reduce."""
    from tf2_eager import data_parallel
    data_parallel.run(inputs, on_epoch=lambda epoch, trace: os._exit(3), **options)


def never_joins(inputs, **options):
    """Starts and then never joins the cluster (a worker stuck before creating its strategy)."""
    time.sleep(FOREVER_S)
