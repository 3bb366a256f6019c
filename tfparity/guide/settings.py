"""The guide's per-setting parts: a record measured here and, where recorded, the same run with
oneDNN the other way (``other_setting``), each shown with its machine, so no page states a
verdict or a number without its scope."""
from tfparity.core import fresh, machine
from tfparity.render.pages import table


def measured_settings(record):
    """The record itself and, if measured, its run with oneDNN the other way: each has a machine."""
    return [record] + ([record["other_setting"]] if record.get("other_setting") else [])


def parity_table(record, group="verdicts"):
    """Verdicts (against the Session, or ``manual_vs_auto``), a column per machine setting measured."""
    settings = measured_settings(record)
    return table(["mode"] + [f"measured on {machine.describe(s['machine'])}" for s in settings],
                 [[mode] + [s[group].get(mode, "—") for s in settings] for mode in record[group]])


def headline(record):
    """Each mode's final values, a table per machine setting measured; a recorded other setting
    that gives the same numbers to the digits shown says so in a line instead."""
    shown = lambda final: table(["field"] + list(final), [[f] + [f"{final[m][f]:.9g}" for m in final]
                                                           for f in next(iter(final.values()))])
    parts = []
    for setting in (s for s in measured_settings(record) if "final" in s):
        scope, own = f"Measured on {machine.describe(setting['machine'])}", shown(setting["final"])
        same = setting is not record and own == shown(record["final"])
        parts += [f"{scope}: the same numbers, to the digits shown."] if same else [f"{scope}:", own]
    return parts


def other_setting(name):
    """The same default run's verdicts with oneDNN the other way, in a fresh process."""
    flip = "0" if machine.onednn_active() else "1"
    found = fresh.call("tfparity.core.harness:verdict_summaries", {"name": name}, {"TF_ENABLE_ONEDNN_OPTS": flip})
    return {key: found[key] for key in ("machine", "verdicts", "manual_vs_auto", "final")}
