"""A study's record measured twice per example: here, with the bounds of the causes active here,
and strict, in a fresh process with oneDNN off and grappler's passes switched off (no bound);
and its page, written from the record and its hand-written notes."""
import importlib

from tfparity.core import fresh, records
from tfparity.core.machine import ONEDNN_OFF
from tfparity.core.files import write_atomic
from tfparity.core.paths import NOTES


def measure(name, target, examples):
    """{example: target(example), f"{example}_strict": target(example, strict=True) in a fresh
    process with TF_ENABLE_ONEDNN_OPTS=0}; ``target`` is "module:function"."""
    module, function = target.split(":")
    verdicts = getattr(importlib.import_module(module), function)
    record = {"example": name}
    for example in examples:
        record[example] = verdicts(example)
        record[f"{example}_strict"] = fresh.call(target, {"example": example, "strict": True},
                                                 ONEDNN_OFF)
    return dict(record, machine=record[examples[0]]["machine"])


def render(folder, name, page):
    """folder/NAME.md from folder/results/NAME.json and docs/notes/NAME.md, if the record exists."""
    if records.record_path(folder, name).exists():
        write_atomic(folder / f"{name}.md", page(records.load_plain(folder, name), (NOTES / f"{name}.md").read_text()))
