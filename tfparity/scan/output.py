"""The scan's three formats: text for a terminal, JSON (findings and summary), SARIF 2.1.0.

SARIF is written as the small JSON structure the OASIS 2.1.0 schema describes (one run, one
rule per status, one result per finding), without a library: see docs/notes/scan.md for why.
"""
import collections
import json
import urllib.parse
import pathlib

from tfparity.scan.findings import ORDER
from tfparity.scan.knowledge import NOT_COVERED

# The schema URI SARIF 2.1.0 logs name, so validators and viewers know the version.
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# What to do about each status, in the order to do it (findings.ORDER).
ACTIONS = {
    "does not parse": "make the file parse as Python 3 first: nothing else can be checked or converted",
    "removed": "rewrite: the installed TensorFlow has no such name, not even in tf.compat.v1",
    "raises under Keras 3": "rewrite: the name exists but raises on TF 2.16+, where Keras 3 replaced Keras 2",
    "meaning changed": "fix before running any port: the same call computes something else in TF2",
    "only compat.v1": "runs through tf.compat.v1 today: port to TF2 last, one construct at a time",
}
LEVELS = {"only compat.v1": "warning"}  # every other status stops the program or changes its numbers
TOP = 10  # symbols listed in the summary


def summary(files, findings, skipped=()):
    """The counts of a scan; ``skipped``: (path, why) of what a folder held that is no file to read."""
    per_status = collections.Counter(f["status"] for f in findings)
    symbols = collections.Counter(f["symbol"] for f in findings)
    order = []
    for status in ORDER:
        if per_status[status]:
            names = collections.Counter(f["symbol"] for f in findings if f["status"] == status)
            order.append({"status": status, "findings": per_status[status], "do": ACTIONS[status],
                          "symbols": [name for name, _ in names.most_common(TOP)]})
    return {"files": len(files), "findings": len(findings),
            "per_status": {s: per_status[s] for s in ORDER if per_status[s]},
            "per_kind": dict(collections.Counter(f["kind"] for f in findings).most_common()),
            "per_file": {str(p): n for p in files if (n := sum(f["path"] == str(p) for f in findings))},
            "top_symbols": [[name, count] for name, count in symbols.most_common(TOP)],
            "port_order": order, "skipped": [{"path": str(path), "why": why} for path, why in skipped]}


def _where(finding):
    cell = f" (cell {finding['cell']}:{finding['cell_line']})" if "cell" in finding else ""
    return f"{finding['path']}:{finding['line']}:{finding['column']}{cell}"


def text(findings, summary):
    lines = [f"{_where(f)}: {f['status']}: {f['symbol']} [{f['kind']}] -> "
             + "; ".join(filter(None, [f"`{f['replacement']}`" if f["replacement"] else "", f.get("note")]))
             + f" [{_proof(f)}]" for f in findings]
    lines.append(f"{summary['findings']} findings in {summary['files']} files"
                 + "".join(f"; {n} {s}" for s, n in summary["per_status"].items()))
    for step, entry in enumerate(summary["port_order"], 1):
        lines.append(f"port order {step}. {entry['status']} ({entry['findings']}): {entry['do']}; "
                     f"most often {', '.join(entry['symbols'][:5])}")
    if "statuses_from" in summary:
        lines.append(f"statuses: {summary['statuses_from']}")
    if summary["top_symbols"]:
        lines.append("top symbols: " + ", ".join(f"{name} ({count})" for name, count in summary["top_symbols"]))
    return "\n".join(lines) + "\n"


def _proof(finding):
    """Where the replacement is proven: page#section and the measured verdict, or not covered yet."""
    if finding.get("guide") in (None, NOT_COVERED):
        return NOT_COVERED
    section = f" § {finding['section']}" if finding.get("section") else ""
    verdict = f": {finding['verdict']}" if finding.get("verdict") else ""
    return f"{finding['guide']}{section}{verdict}"


def _rule_id(status):
    return status.replace(" ", "-").replace(".", "")


def sarif(findings):
    """A SARIF 2.1.0 log: one rule per status the findings have, one result per finding."""
    statuses = [s for s in ORDER if any(f["status"] == s for f in findings)]
    rules = [{"id": _rule_id(s), "name": _rule_id(s).title().replace("-", ""),
              "shortDescription": {"text": f"TF1 construct: {s}"}, "fullDescription": {"text": ACTIONS[s]},
              "defaultConfiguration": {"level": LEVELS.get(s, "error")}} for s in statuses]
    results = []
    for f in findings:
        path = pathlib.Path(f["path"])  # a relative path stays a relative reference, as CI expects
        uri = path.as_uri() if path.is_absolute() else urllib.parse.quote(path.as_posix())
        results.append({
            "ruleId": _rule_id(f["status"]), "ruleIndex": statuses.index(f["status"]),
            "level": LEVELS.get(f["status"], "error"),
            "message": {"text": f"{f['symbol']} ({f['kind']}, {f['status']}): "
                                + "; ".join(filter(None, [f["replacement"], f.get("note"), _proof(f)]))},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri},
                                                "region": {"startLine": f["line"], "startColumn": f["column"]}}}],
            "properties": {k: v for k, v in f.items() if k not in ("path", "line", "column")}})
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
           "runs": [{"tool": {"driver": {"name": "tfparity scan", "rules": rules}}, "results": results}]}
    return json.dumps(log, indent=1) + "\n"
