"""The report of ``tfparity.check``: per mode the verdict against the TF1 run, the causes that
explain a difference (bit-identical with them switched off), hints for what is left, and, for a
mode that is not bit-identical, the fields whose final values differ (even when it passes).

Its JSON (``to_dict``) is flat: besides the verdict of each mode, ``fields`` is one row per mode
and field with the same keys in every row (``FIELD_ROW``), and ``traces`` (when asked) one row per
run and field with the values recorded at every step."""
from dataclasses import dataclass, field

import numpy as np

from tfparity.check import fields
from tfparity.core.modes import REFERENCE
from tfparity.core.tolerances import CAUSES

# The keys of a row of ``fields`` in the JSON, in order: the mode and field; both runs' numbers of
# steps; the first step (1-based) that differs, or null; per step the largest ULP and |diff| over
# the field's elements; and the last recorded values' element of largest |diff| (nulls when equal).
# Every row has every key, so a reader (a DataFrame) needs no case for a field that agrees.
FIELD_ROW = ("mode", "field", "steps_tf1", "steps_tf2", "first_step", "max_ulp", "max_abs",
             "final_index", "final_tf1", "final_tf2", "final_ulp", "final_abs")
# What a check whose traces hold no finite value says (``Report.diverged``).
NOTHING_FINITE = "nothing finite was compared: both runs are inf or NaN from step 1, so parity was not measured"


@dataclass
class Report:
    """``verdicts`` {mode: compare.Verdict} (status, first difference with step, field, index,
    both values and ULP, the worst distance); ``explained`` {mode: causes}; ``hints`` {mode:
    [line]}; ``machine`` the fingerprint; ``strict``: every switchable cause was off;
    ``unreproducible``: why no difference may be explained (a control run gave other numbers), or
    None; ``record``: the digests of the run's code, inputs and traces (``tfparity.check.control``);
    ``traces``: {"tf1_graph": the TF1 trace, mode: its trace}; ``local``: {mode: the local layer's
    Verdict} (``tfparity.check.local``), which a mode must pass too; ``confirmed``: {mode: its local
    difference checked against the port's step in float64 (``local.confirm``)}."""
    verdicts: dict
    explained: dict = field(default_factory=dict)
    hints: dict = field(default_factory=dict)
    machine: dict = field(default_factory=dict)
    strict: bool = False
    unreproducible: str = None
    record: dict = field(default_factory=dict, repr=False)
    traces: dict = field(default_factory=dict, repr=False)
    local: dict = field(default_factory=dict)
    confirmed: dict = field(default_factory=dict)

    def passed(self, mode):
        return (self.verdicts[mode].ok or mode in self.explained) and (mode not in self.local or self.local[mode].ok)

    @property
    def ok(self):
        return all(self.passed(mode) for mode in self.verdicts) and not self.diverged

    @property
    def diverged(self):
        """Nothing finite was compared: every value of every trace is inf or NaN. NaN against NaN of
        the same bits compares equal, so equal traces of them prove nothing; not parity."""
        arrays = [np.asarray(values) for trace in self.traces.values() for values in trace.values()]
        return any(a.size for a in arrays) and all(a.dtype.kind in "fc" and not np.isfinite(a).any() for a in arrays)

    def line(self, mode):
        verdict, causes = self.verdicts[mode], self.explained.get(mode)
        if not causes and self.unreproducible and not verdict.ok:
            return f"{self._verdict(mode)}; {self.unreproducible}"
        if not causes:
            return self._verdict(mode)
        place = verdict.first_difference
        since = "at the end (recorded once)" if self._once(mode, place) else f"from step {place['step']}"
        distance = f"max {verdict.max_ulp:g} ULP, max |diff| {verdict.max_abs:.3g} {since}"
        return f"{distance}: explained by {', '.join(causes)} (bit-identical with {_off(causes)})"

    def __str__(self):
        where = f"TensorFlow {self.machine.get('tensorflow')}, {self.machine.get('isa')}, " \
                f"oneDNN {'on' if self.machine.get('onednn') else 'off'}" + (", strict" if self.strict else "")
        lines = [f"parity against the TF1 run ({where}):"]
        for mode in self.verdicts:
            lines.append(f"  {mode}: {self.line(mode)}")
            if mode in self.local:
                lines.append(f"    local, {self.local[mode].local} updates each from the TF1 run's own state: "
                             f"{self.local[mode]}")
            if mode in self.confirmed and (self.local[mode].first_mismatch or {}).get("kind") != "unconfirmed":
                lines.append(f"    float64: {self.confirmed[mode]['detail']}")
            if self.verdicts[mode].status != "bit-identical" and mode in self.traces:
                lines.append(f"    {fields.final_line(*fields.finals(self.traces[REFERENCE], self.traces[mode]), mode)}")
            lines += [f"    hint: {hint}" for hint in self.hints.get(mode, ())]
        if self.diverged:
            lines.append(f"diverged: {NOTHING_FINITE}")
        return "\n".join(lines)

    def _verdict(self, mode):
        """The verdict's words; a field recorded once is said to differ at the end, not at step 1."""
        verdict, text = self.verdicts[mode], str(self.verdicts[mode])
        place = verdict.first_mismatch if verdict.status == "mismatch" else verdict.first_difference
        if self._once(mode, place):
            text = text.replace(f"at step 1, field {place['field']}", f"at the end (recorded once), field {place['field']}")
            text = text.replace("first difference at step 1)", "first difference at the end, recorded once)")
        return text

    def _once(self, mode, place):
        """The place is in a field recorded once (its step 1 is the end of the run)."""
        return bool(place) and not place.get("kind") and mode in self.traces and \
            place["field"] in fields.recorded_once(self.traces[REFERENCE], self.traces[mode])

    def field_rows(self):
        """One row per mode and field both runs recorded comparably, keys ``FIELD_ROW``."""
        rows = []
        for mode in self.verdicts:
            if mode not in self.traces:
                continue
            desired, actual = self.traces[REFERENCE], self.traces[mode]
            final = {one["field"]: one for one in fields.finals(desired, actual)[1]}
            for name, distance in fields.distances(desired, actual).items():
                last = final.get(name, {})
                row = dict(distance, mode=mode, field=name, final_index=last.get("index"), final_tf1=last.get("tf1"),
                           final_tf2=last.get("tf2"), final_ulp=last.get("ulp"), final_abs=last.get("abs"))
                rows.append({key: row[key] for key in FIELD_ROW})
        return rows

    def trace_rows(self):
        """One row per run (the TF1 run first) and field: {"run", "field", "dtype", "values"}; the
        values of a complex field as [real, imag] pairs (JSON has no complex number)."""
        return [{"run": run, "field": name, "dtype": str(values.dtype),
                 "values": np.stack([values.real, values.imag], -1) if values.dtype.kind == "c" else values}
                for run, trace in self.traces.items() for name, values in trace.items()]

    def to_dict(self, traces=False):
        """The report as plain data; ``traces``: with every trace's values (``trace_rows``)."""
        return {"ok": self.ok, "strict": self.strict, "machine": self.machine,
                "not_reproducible": self.unreproducible,
                "modes": {m: dict(v.to_dict(), passed=self.passed(m), explained_by=list(self.explained.get(m, ())),
                                  **({"local": self.local[m].to_dict()} if m in self.local else {}),
                                  **({"float64": self.confirmed[m]} if m in self.confirmed else {}),
                                  hints=list(self.hints.get(m, ())), summary=self.line(m))
                          for m, v in self.verdicts.items()},
                "diverged": self.diverged, "fields": self.field_rows(), **({"traces": self.trace_rows()} if traces else {})}


def _off(causes):
    switches = [CAUSES[c][1] or "the same loop without XLA (tf2_loop)" for c in causes]
    return " and ".join(switches)
