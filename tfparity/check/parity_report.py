"""The report of ``tfparity.check``: per mode the verdict against the TF1 run, the causes that
explain a difference (bit-identical with them switched off), and hints for what is left."""
from dataclasses import dataclass, field

from tfparity.core.tolerances import CAUSES


@dataclass
class Report:
    """``verdicts`` {mode: compare.Verdict} (status, first difference with step, field, index,
    both values and ULP, the worst distance); ``explained`` {mode: causes}; ``hints`` {mode:
    [line]}; ``machine`` the fingerprint; ``strict``: every switchable cause was off;
    ``unreproducible``: why no difference may be explained (a control run gave other numbers), or
    None; ``record``: the digests of the run's code, inputs and traces (``tfparity.check.control``)."""
    verdicts: dict
    explained: dict = field(default_factory=dict)
    hints: dict = field(default_factory=dict)
    machine: dict = field(default_factory=dict)
    strict: bool = False
    unreproducible: str = None
    record: dict = field(default_factory=dict, repr=False)

    def passed(self, mode):
        return self.verdicts[mode].ok or mode in self.explained

    @property
    def ok(self):
        return all(self.passed(mode) for mode in self.verdicts)

    def line(self, mode):
        verdict, causes = self.verdicts[mode], self.explained.get(mode)
        if not causes and self.unreproducible and not verdict.ok:
            return f"{verdict}; {self.unreproducible}"
        if not causes:
            return str(verdict)
        distance = f"max {verdict.max_ulp:g} ULP, max |diff| {verdict.max_abs:.3g} from step " \
                   f"{verdict.first_difference['step']}"
        return f"{distance}: explained by {', '.join(causes)} (bit-identical with {_off(causes)})"

    def __str__(self):
        where = f"TensorFlow {self.machine.get('tensorflow')}, {self.machine.get('isa')}, " \
                f"oneDNN {'on' if self.machine.get('onednn') else 'off'}" + (", strict" if self.strict else "")
        lines = [f"parity against the TF1 run ({where}):"]
        for mode in self.verdicts:
            lines.append(f"  {mode}: {self.line(mode)}")
            lines += [f"    hint: {hint}" for hint in self.hints.get(mode, ())]
        return "\n".join(lines)

    def to_dict(self):
        return {"ok": self.ok, "strict": self.strict, "machine": self.machine,
                "not_reproducible": self.unreproducible,
                "modes": {m: dict(v.to_dict(), passed=self.passed(m), explained_by=list(self.explained.get(m, ())),
                                  hints=list(self.hints.get(m, ())), summary=self.line(m))
                          for m, v in self.verdicts.items()}}


def _off(causes):
    switches = [CAUSES[c][1] or "the same loop without XLA (tf2_loop)" for c in causes]
    return " and ".join(switches)
