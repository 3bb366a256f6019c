"""The guide as a website: MkDocs hooks (``mkdocs.yml`` at the checkout's root names this file) and
the strict build ``tfparity docs --site DIR`` runs.

The pages stay plain Markdown that reads well on a code host; everything the website adds is done
here, at build time, on the Markdown MkDocs reads, never in docs/:

- the navigation, made from the pages there are (the examples are found as ``tfparity list`` finds
  them, in the order the guide's index lists them; the studies from ``tfparity.house``), so a new page
  is reached without editing a list, and a page of no section lands in "More";
- each twin pair of a page's "The code, section by section" (a "TF1 — ..." code block followed by a
  "TF2 — ..." one) as two columns, TF1 | TF2;
- the measured scope (TensorFlow, CPU and ISA class, oneDNN, cores) of every record a page rests on,
  from docs/results, in a box under its title;
- the links the pages make to the twins' source lines (``../tf1_graph/X.py#L34``), which lie outside
  docs/, pointed at a page per linked file that shows it with line numbers (``source/...``).

MkDocs, Material and mkdocs-jupyter are imported only inside functions: the ``site`` extra installs
them, and this module imports without them.
"""
import json
import logging
import pathlib
import posixpath
import re

from tfparity.core.harness import examples
from tfparity.core.machine import describe
from tfparity.core.paths import ROOT
from tfparity.house import STUDIES

CONFIG = ROOT / "mkdocs.yml"
GENERATOR = ("mkdocs", "material", "mkdocs_jupyter", "pymdownx")  # the modules the `site` extra installs
# The navigation's sections besides the examples and the studies, by page name (a page's stem).
METHOD = ("api_map", "pitfalls")  # how to port: every construct, and what breaks parity
TOOLS = ("porting", "scan", "checkpoints", "upgrade")  # check and record (porting), scan, checkpoint, the upgrade path
LAST = ("architecture",)  # how the code is laid out: after everything a reader of the guide wants first
SOURCE = "source"  # the folder of the site the twins' source pages are generated into
STYLE = ("assets/site.css", pathlib.Path(__file__).with_name("site.css"))  # mkdocs.yml's extra_css, and its file
# "TF1 — `tf1_graph/X.py` from line N:", its fenced block, then TF2's: the pair a page shows per section.
PAIR = re.compile(r"^(?P<tf1>TF1 — [^\n]*:)\n\n(?P<code1>```[^\n]*\n.*?\n```)\n\n"
                  r"(?P<tf2>TF2 — [^\n]*:)\n\n(?P<code2>```[^\n]*\n.*?\n```)$", re.M | re.S)
# A Markdown link out of docs/ to a file of the checkout, with an optional line anchor (#L34).
OUTSIDE = re.compile(r"\]\(\.\./(?P<path>[\w./-]+?)(?:#L(?P<line>\d+))?\)")
RECORD_NAMED = re.compile(r"results/(\w+)\.json")
# A link of a notebook's Markdown cell to a page of the guide (``../X.md``): mkdocs-jupyter
# renders the notebook to HTML itself, so MkDocs neither rewrites nor checks it.
NOTEBOOK_LINK = re.compile(r'href="\.\./(?P<page>\w+)\.md(?P<anchor>#[^"]*)?"')
log = logging.getLogger("mkdocs.hooks.tfparity")


def _pages(docs):
    """The guide's Markdown pages (their stems), docs/notes/ and docs/results/ left out."""
    return sorted(p.stem for p in pathlib.Path(docs).glob("*.md") if p.name != "README.md")


def nav_title(docs, name):
    """A page's name in the navigation: its title up to the first colon (the rest, the page's
    subtitle, is on the page), without code marks; an example by its name."""
    first = (pathlib.Path(docs) / f"{name}.md").read_text().split("\n", 1)[0]
    return first.lstrip("# ").split(": ", 1)[0].replace("`", "").strip() or name


def navigation(docs):
    """The site's navigation: the guide, the method, the examples, the notebooks, the tools, the
    studies, the architecture, and every other page under "More"."""
    docs = pathlib.Path(docs)
    pages = _pages(docs)
    index = (docs / "README.md").read_text()
    linked = [m.group(1) for m in re.finditer(r"\]\((\w+)\.md\)", index)]
    found = [name for name in examples() if name in pages]
    found.sort(key=lambda name: (linked.index(name) if name in linked else len(linked), name))
    placed = {*METHOD, *TOOLS, *LAST, *found}
    studies = [name for name in STUDIES if name in pages and name not in placed]
    notebooks = sorted(p.name for p in (docs / "notebooks").glob("*.ipynb"))
    more = [name for name in pages if name not in placed and name not in studies]
    sections = [("The method", [n for n in METHOD if n in pages]), ("Examples", found),
                ("Tools", [n for n in TOOLS if n in pages]), ("Studies", studies), ("More", more)]
    nav = [{"The guide": "README.md"}]
    for title, names in sections:
        if names:
            nav.append({title: [{name if name in found else nav_title(docs, name): f"{name}.md"} for name in names]})
        if title == "Examples" and notebooks:
            nav.append({"Notebooks": [{name[:-len(".ipynb")]: f"notebooks/{name}"} for name in notebooks]})
    nav += [{nav_title(docs, name): f"{name}.md"} for name in LAST if name in pages]
    return nav


def scope(docs, stem, markdown):
    """The records a page rests on: its own (docs/results/STEM.json), those it names, and for the
    index every example's; each with the machines it was measured on, as ``describe`` words them."""
    names = [stem] + RECORD_NAMED.findall(markdown)
    if stem == "README":
        names += examples()
    found = {}
    for name in dict.fromkeys(names):
        path = pathlib.Path(docs) / "results" / f"{name}.json"
        if path.is_file():
            found[name] = sorted({describe(m) for m in _machines(json.loads(path.read_text()))})
    return {name: machines for name, machines in found.items() if machines}


def _machines(record):
    if isinstance(record, dict):
        for key, value in record.items():
            if key == "machine" and isinstance(value, dict) and "tensorflow" in value:
                yield value
            else:
                yield from _machines(value)
    elif isinstance(record, list):
        for value in record:
            yield from _machines(value)


def scope_box(records):
    """A Material admonition listing each record's machines, or saying the page measures nothing."""
    if not records:
        return ('!!! note "Measured scope"\n    No measurement: this page is generated from the code '
                "and the project's tables, and names no record of docs/results.\n")
    machines = {}
    for name, described in records.items():
        for machine in described:
            machines.setdefault(machine, []).append(f"`docs/results/{name}.json`")
    lines = [f"    - {machine} ({', '.join(sources)})" for machine, sources in machines.items()]
    return '!!! info "Measured scope"\n    Measured on:\n\n' + "\n".join(lines) + "\n"


def twin_columns(markdown):
    """Every TF1/TF2 pair of code blocks as two columns (Material's md_in_html), TF1 | TF2."""
    def columns(m):
        halves = [(m["tf1"], m["code1"], "tf1"), (m["tf2"], m["code2"], "tf2")]
        inner = "\n\n".join(f'<div class="twin twin-{side}" markdown>\n\n{title}\n\n{code}\n\n</div>'
                            for title, code, side in halves)
        return f'<div class="twins" markdown>\n\n{inner}\n\n</div>'
    return PAIR.sub(columns, markdown)


def _source_page(path):
    return f"{SOURCE}/{path}.md"


def outside_links(markdown, page_uri, root):
    """Links to files outside docs/ pointed at their source pages; a line anchor at that line's."""
    here = posixpath.dirname(page_uri)

    def link(m):
        target = (root / m["path"]).resolve()
        if root not in target.parents or not target.is_file():
            return m.group(0)  # left as written: MkDocs reports it (a broken link fails the strict build)
        rel = posixpath.relpath(_source_page(m["path"]), here or ".")
        return f"]({rel}#L-{m['line']})" if m["line"] else f"]({rel})"
    return OUTSIDE.sub(link, markdown)


def linked_outside(docs):
    """Every file outside docs/ a page links to (paths relative to the checkout)."""
    root = pathlib.Path(docs).resolve().parent
    found = set()
    for page in pathlib.Path(docs).glob("*.md"):
        for m in OUTSIDE.finditer(page.read_text()):
            target = (root / m["path"]).resolve()
            if root in target.parents and target.is_file():
                found.add(m["path"])
    return sorted(found)


def source_markdown(root, path):
    """The page of one source file, left out of search: its lines, numbered, each with the anchor
    ``L-N`` (Pygments' own line anchors, written as HTML so that MkDocs sees them when it checks the
    links to them)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import get_lexer_for_filename
    code = highlight((root / path).read_text(), get_lexer_for_filename(path),
                     HtmlFormatter(linenos="table", lineanchors="L", anchorlinenos=True, wrapcode=True))
    return f"---\nsearch:\n  exclude: true\n---\n\n# `{path}`\n\n{code}\n"


# --- MkDocs hooks: mkdocs.yml lists this file under `hooks:` ---

def on_config(config):
    config["nav"] = navigation(config["docs_dir"])
    return config


def on_files(files, config):
    from mkdocs.structure.files import File
    root = pathlib.Path(config["docs_dir"]).resolve().parent
    files.append(File.generated(config, STYLE[0], abs_src_path=str(STYLE[1])))
    for path in linked_outside(config["docs_dir"]):
        files.append(File.generated(config, _source_page(path), content=source_markdown(root, path)))
    return files


def on_page_markdown(markdown, page, config, files):
    uri = page.file.src_uri
    if uri.startswith(f"{SOURCE}/") or not uri.endswith(".md"):
        return markdown
    root = pathlib.Path(config["docs_dir"]).resolve().parent
    markdown = twin_columns(outside_links(markdown, uri, root))
    stem = pathlib.PurePosixPath(uri).stem
    box = scope_box(scope(config["docs_dir"], stem, markdown))
    title = re.match(r"# [^\n]*\n", markdown)
    cut = title.end() if title else 0
    return f"{markdown[:cut]}\n{box}\n{markdown[cut:]}"


def on_page_content(html, page, config, files):
    """A notebook's links to the guide's pages, pointed at those pages on the site; one to a page
    that does not exist is a warning, so the strict build fails on it as on any broken link."""
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    docs = pathlib.Path(config["docs_dir"])
    html = _notebook_scope(html, page, config)

    def link(m):
        if not (docs / f"{m['page']}.md").is_file():
            log.warning(f"Notebook '{page.file.src_uri}' links to '../{m['page']}.md', which is not a page of the guide")
            return m.group(0)
        target = "../.." if m["page"] == "README" else f"../../{m['page']}/"
        return f'href="{target}{m["anchor"] or ""}"'
    return NOTEBOOK_LINK.sub(link, html)


def _notebook_scope(html, page, config):
    """A notebook's scope under its title: the machine it ran on as the site was built, or that it
    is shown as committed, without output (the twins' numbers are on the example's page)."""
    from tfparity.core.machine import fingerprint
    jupyter = config["plugins"]["mkdocs-jupyter"].config
    ran = jupyter["execute"] and not any(pathlib.PurePath(page.file.abs_src_path).match(pattern)
                                         for pattern in jupyter["execute_ignore"])
    text = (f"Run as this site was built, on {describe(fingerprint())}." if ran else
            "Not run: shown as committed, without output (<code>tfparity docs --site DIR --execute</code> "
            "runs every notebook as the site is built); the measured numbers are on the example's page.")
    box = (f'<div class="admonition {"info" if ran else "note"}"><p class="admonition-title">Measured scope</p>'
           f"<p>{text}</p></div>")
    title = html.find("</h1>")
    cut = title + len("</h1>") if title >= 0 else 0
    return html[:cut] + box + html[cut:]


# --- the build `tfparity docs --site` runs ---

def is_site(folder):
    """Whether ``folder`` holds a site MkDocs built (its search index and sitemap), which a new build
    may replace."""
    folder = pathlib.Path(folder)
    return (folder / "search" / "search_index.json").is_file() and (folder / "sitemap.xml").is_file()


class Warnings(logging.Handler):
    """Every warning MkDocs and its plugins log during a build, kept to be printed."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def build(site_dir, execute=(), docs_dir=None):
    """Build the website strictly into ``site_dir``: a warning (a broken link, a missing image or
    anchor, a page the navigation names that does not exist) stops the build. Returns the warnings
    (empty when it was built). ``execute``: the notebooks (by name, or every one for ``True``) that
    are run as they are rendered, so that the site shows their output; a cell that raises fails the
    build. The others are shown as committed, without output."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort
    warnings, logger = Warnings(), logging.getLogger("mkdocs")
    logger.addHandler(warnings)
    try:
        config = load_config(str(CONFIG), site_dir=str(site_dir), strict=True,
                             **({"docs_dir": str(docs_dir)} if docs_dir else {}))
        if execute:
            jupyter = config["plugins"]["mkdocs-jupyter"].config
            jupyter["execute"] = True
            if execute is not True:
                every = [p.stem for p in pathlib.Path(config["docs_dir"]).glob("notebooks/*.ipynb")]
                jupyter["execute_ignore"] = [f"notebooks/{name}.ipynb" for name in every if name not in execute]
        try:
            mkdocs_build(config)
        except Abort:
            if not warnings.messages:
                raise
    finally:
        logger.removeHandler(warnings)
    return warnings.messages
