"""What ``tfparity check`` does once its SPECs are resolved and TensorFlow is loaded: the report,
and as asked the measured bounds (``--write-bound``), the timings (``--bench``) and the JSON."""
from tfparity import bounds_file, parity
from tfparity.jsonio import dumps, jsonable
from tfparity.machine import describe, fingerprint

OK, MISMATCH = 0, 1


def check(functions, args, seed, bounds):
    return parity.check(functions["inputs"], functions["tf1"], functions["tf2"], seed, args.modes,
                        bounds, functions.get("loop"), args.attribute, args.strict)


def measured_bounds(functions, args):
    """The bound of every mode whose difference a cause explains at every seed of 0..seeds-1, as
    bounds-file entries, and the modes left unexplained at some seed."""
    worst, unexplained = {}, set()
    for seed in range(args.seeds):
        report = check(functions, args, seed, {})
        for mode, verdict in report.verdicts.items():
            if mode in report.explained:
                causes, ulp, atol = worst.get(mode, ((), 0.0, 0.0))
                worst[mode] = (tuple(dict.fromkeys(causes + report.explained[mode])),
                               max(ulp, verdict.max_ulp), max(atol, verdict.max_abs))
            elif verdict.status != "bit-identical":
                unexplained.add(mode)
    where = describe(fingerprint())
    entries = []
    for mode, (causes, max_ulp, max_abs) in worst.items():
        if mode in unexplained:
            continue
        ulp, atol = bounds_file.rounded(max_ulp, max_abs)
        measured = (f"max {max_ulp:g} ULP, |diff| {max_abs:.3g} over seeds 0-{args.seeds - 1}, bit-identical "
                    f"with {' and '.join(causes)} off; {where}")
        entries += [{"mode": mode, "cause": cause, "ulp": ulp, "atol": atol, "measured": measured} for cause in causes]
    return entries, sorted(unexplained)


def run(args, functions, bounds):
    report = check(functions, args, args.seed, bounds)
    print(report)
    document = {"seed": args.seed, **report.to_dict()}
    status = OK if report.ok else MISMATCH
    if args.write_bound:
        entries, unexplained = measured_bounds(functions, args)
        if entries:
            bounds_file.write(args.write_bound, entries)
        for entry in entries:
            print(f"bound written to {args.write_bound}: {entry['mode']}, {entry['cause']}, {entry['ulp']} ULP, "
                  f"atol {entry['atol']:g}")
        for mode in unexplained:
            print(f"no bound for {mode}: its difference is not explained by a cause (a porting difference?)")
        status = MISMATCH if unexplained else status
        document["bounds_written"] = entries
    if args.bench:
        from tfparity import check_bench
        document["bench"] = check_bench.bench(args, report)
        print("\n".join(check_bench.table(document["bench"])))
    if args.json:
        from tfparity.files import write_atomic
        write_atomic(args.json, dumps(jsonable(document)) + "\n")
    return status
