"""``tfparity docs``: re-measure every example and study and regenerate the guide in docs/
(``--render-only``: redraw the pages, plots and notebooks from docs/results); building this
checkout's docs/ also rewrites the README's line on the main job's time from docs/results.
``--site DIR``: the guide in docs/, as it stands, built into DIR as a website (``guide.site``)."""
import importlib.util
import os
import sys
import time

from tfparity.cli.arguments import UsageError, check_folder, check_known, path
from tfparity.core import quiet, records
from tfparity.core.exits import Exit
from tfparity.core.files import read_only_files, staged_folder, write_atomic
from tfparity.core.paths import DOCS, README


def add_parser(sub):
    docs = sub.add_parser("docs", help="re-measure every example and regenerate the guide in docs/")
    docs.set_defaults(run=run)
    docs.add_argument("--out", default=None, type=path, help="folder to write (default: docs/ of this "
                      "checkout); rebuilt in a copy beside it and swapped in when complete")
    docs.add_argument("--force", action="store_true", help="let the rebuild replace read-only files in the "
                      "folder (their mode is kept)")
    docs.add_argument("--render-only", action="store_true",
                      help="redraw pages and plots from the records in OUT/results without training")
    docs.add_argument("--site", default=None, type=path, metavar="DIR",
                      help="instead: build the guide in docs/, as it stands, as a website into DIR (a new or "
                      "empty folder, or a site built before), strictly: a broken link, a missing image or "
                      "anchor fails it (exit 1, the warnings printed); needs the `site` extra. Serve it with "
                      "`python -m http.server -d DIR`")
    docs.add_argument("--execute", nargs="*", default=None, metavar="NOTEBOOK",
                      help="with --site: run the notebooks (these, by name; default: every one) as they "
                      "are rendered, so the site shows their output")
    docs.add_argument("examples", nargs="*", metavar="EXAMPLE", help="only these (default: all)")


class Progress:
    """Per-epoch progress lines for epoch-based examples: loss, test accuracy, seconds.

    The harness's contract: ``progress(mode, epoch, trace)`` with ``epoch`` an int (0 as a mode
    starts) and ``trace`` the fields so far, named as in the returned trace; an example with
    several methods (``method/field``) counts each method's epochs from 1."""

    def __init__(self):
        self.clock = {}

    def __call__(self, mode, epoch, trace):
        now, before = time.perf_counter(), self.clock.get(mode)
        self.clock[mode] = now
        if epoch:
            loss = next(field for field in trace if field.endswith("epoch_loss"))
            prefix = loss[:-len("epoch_loss")]
            method = f" ({prefix.rstrip('/')})" if prefix else ""
            print(f"  {mode} epoch {epoch}{method}: loss {trace[loss][-1]:.4f}, test accuracy "
                  f"{trace[prefix + 'test_accuracy'][-1]:.4f}, {now - before:.1f} s", flush=True)


def build(folder, measure=True, names=None, progress=None):
    """The whole guide into ``folder``: the examples' pages (``guide.book.build``), then each study's
    record (when measuring every example) and page."""
    from tfparity.guide import book  # matplotlib and nbformat: only when building
    from tfparity.studies import STUDIES
    book.build(folder, measure=measure, names=names, progress=progress)
    for study in STUDIES:
        if measure and not names and hasattr(study, "measure"):
            records.save(folder, study.measure())
        study.render(folder)


def website(args):
    """``--site DIR``: the strict build, staged beside DIR and swapped in when it is complete."""
    notebooks = {p.stem for p in DOCS.glob("notebooks/*.ipynb")}
    unknown = sorted(set(args.execute or ()) - notebooks)
    if unknown:
        raise UsageError(f"--execute: no notebook {', '.join(unknown)}; there are: {', '.join(sorted(notebooks))}")
    others = [option for option, given in (("--out", args.out), ("--render-only", args.render_only),
                                           ("EXAMPLE", args.examples), ("--force", args.force)) if given]
    if others:
        raise UsageError(f"--site builds the guide in docs/ as it stands; drop {', '.join(others)} "
                         "(run `tfparity docs --render-only` first to redraw it)")
    from tfparity.guide import site
    missing = [name for name in site.GENERATOR if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(f"--site needs the site generator ({', '.join(missing)} not installed): "
                         "pip install -e '.[site]'")
    target = os.path.realpath(args.site)
    if os.path.dirname(target) == target or not os.path.isdir(os.path.dirname(target)):
        raise UsageError(f"cannot write --site {args.site}: not a folder in an existing folder")
    if os.path.commonpath([target, os.path.realpath(DOCS)]) == os.path.realpath(DOCS):
        raise UsageError(f"cannot write --site {args.site}: it lies inside the guide it is built from ({DOCS})")
    if os.path.exists(target) and not os.path.isdir(target):
        raise UsageError(f"cannot write --site {args.site}: not a folder")
    if os.path.isdir(target) and os.listdir(target) and not site.is_site(target):
        raise UsageError(f"cannot write --site {args.site}: it holds other files than a site built before; "
                         "give a new or empty folder")
    warnings = []
    try:
        with staged_folder(target) as staging:
            warnings = site.build(staging, execute=True if args.execute == [] else tuple(args.execute or ()))
            if warnings:
                raise _NotBuilt
    except _NotBuilt:
        for warning in warnings:
            print(f"warning: {warning}", file=sys.stderr)
        print(f"tfparity: the site was not built: {len(warnings)} warning(s) in strict mode; "
              f"{args.site} is left as it was", file=sys.stderr)
        return Exit.MISMATCH
    except OSError as error:
        raise UsageError(f"cannot write --site {args.site}: {error.strerror or error}") from None
    print(f"site written to {args.site}: serve it with `python -m http.server -d {args.site}` and open "
          "http://127.0.0.1:8000/ (the search needs a server; file:// does not run it)")
    return Exit.OK


class _NotBuilt(Exception):
    """The strict build stopped on a warning: the staged folder is dropped, DIR left as it was."""


def run(args):
    if args.site is not None:
        return website(args)
    if args.execute is not None:
        raise UsageError("--execute runs the notebooks as the website is built: give --site DIR too")
    check_known(args.examples)
    out = str(DOCS) if args.out is None else args.out
    target = check_folder(out)
    frozen = next(read_only_files(target), None) if os.path.isdir(target) and not args.force else None
    if frozen:  # refused now, not after an hour of measuring
        raise UsageError(f"{frozen} is read-only; pass --force to let the rebuild replace it (its mode is kept)")
    if not args.render_only:
        quiet.import_tensorflow()
    here = target == os.path.realpath(DOCS)  # this checkout's guide: its README's marked line too
    staging = readme = None
    try:
        with staged_folder(target, args.force) as staging:  # an interrupted or failed run leaves the old guide
            build(staging, measure=not args.render_only, names=args.examples or None, progress=Progress())
            if here:
                from tfparity.studies import performance
                readme = performance.readme(README.read_text(), staging)
        if readme is not None and readme != README.read_text():
            write_atomic(README, readme, force=args.force)
    except OSError as error:
        where = str(error.filename or out)
        where = where.replace(str(staging), out) if staging else where
        hint = (": --render-only draws from the records in OUT/results; measure them first with `tfparity docs`"
                if args.render_only and isinstance(error, FileNotFoundError) else "")
        raise UsageError(f"cannot build the guide in {out}: {where}: {error.strerror or error}{hint}") from None
    except ValueError as error:
        raise UsageError(str(error).replace(str(staging), out) if staging else str(error)) from None
    print(f"guide written to {out}" + (f", and the main job's line of {README.name}" if here else ""))
    return 0
