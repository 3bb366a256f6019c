"""What ``tfparity run`` shows while it works, on stderr so that stdout and ``--json`` stay clean:
one live tqdm line per example and mode (epochs done, rate, ETA) where stderr is a terminal (tqdm
leaves pipes and logs alone), per-epoch log lines with ``--verbose``; afterwards, each mode's
time for the summary table."""
import sys
import time

from tqdm import tqdm

from tfparity.core.modes import epochs_run


class Bars:
    """The harness's ``progress(mode, epoch, trace)`` for one example: epoch 0 starts a mode."""

    def __init__(self, name, epochs=None, verbose=False, stream=None, live=None, scope=None):
        """``stream``: stderr by default; ``live``: draw the line (None: only on a terminal);
        ``scope``: {mode: k} for the modes that run their first k epochs only (their lines say so)."""
        self.name, self.epochs, self.verbose, self.live = name, epochs, verbose, live
        self.scope = scope or {}
        self.stream = stream or sys.stderr
        self.bar, self.mode, self.started, self.seconds = None, None, None, {}

    def __call__(self, mode, epoch, trace):
        if epoch == 0:
            self.close()
            self.mode, self.started = mode, time.perf_counter()
            scope = f" ({epochs_run(self.scope[mode], self.epochs)})" if mode in self.scope else ""
            self.bar = tqdm(total=self._epochs() or 1, desc=f"{self.name} {mode}{scope}", file=self.stream,
                            unit="epoch" if self.epochs else "run", leave=True, dynamic_ncols=True,
                            disable=None if self.live is None else not self.live)
            return
        if epoch == 1 and self.bar.n:  # the epochs start again: another pass (a second method)
            self.bar.total += self._epochs() or 1
        self.bar.update(1)
        if self.verbose:
            losses = {f: v[-1] for f, v in trace.items() if f.endswith("epoch_loss")}
            accuracies = {f: v[-1] for f, v in trace.items() if f.endswith("test_accuracy")}
            self.bar.write(f"  {mode} epoch {epoch}: " + ", ".join(
                [f"{f} {v:.4f}" for f, v in losses.items()] + [f"{f} {v:.4f}" for f, v in accuracies.items()]),
                file=self.stream)

    def _epochs(self):
        """The epochs the running mode runs."""
        return self.scope.get(self.mode, self.epochs)

    def close(self):
        """End the running mode's line and keep its time."""
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()
            self.seconds[self.mode] = time.perf_counter() - self.started
            self.bar = None
