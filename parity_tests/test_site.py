"""The guide as a website (tfparity/guide/site.py, mkdocs.yml): built strictly from docs/, every page
reached by the navigation and the search index, and checked in a real browser — Debian's headless
Chromium driven by chromedriver (selenium), the site served from a local file server on the loopback
address. Screenshots go to $TFPARITY_SCREENSHOTS, else to a folder under pytest's temporary
directory; the test prints where.

The browser checks skip, with the reason, only where no Chromium and chromedriver are installed
(.ci/run installs Debian's `chromium` and `chromium-driver` first)."""
import functools
import http.server
import json
import os
import pathlib
import shutil
import threading
import time
import urllib.error
import urllib.request

import pytest

from tfparity.core.paths import DOCS
from tfparity.guide import site

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
# Flags that run Debian's Chromium here: headless, as root (no sandbox), without a GPU, and without
# reaching out (no QUIC, updates, sync or background requests), in a profile of its own.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1600,1000")
# One page of each kind the issue names: the index, an example, the API map, a notebook.
PAGES = {"index": "", "example": "regression/", "api_map": "api_map/", "notebook": "notebooks/simple_network/"}
EXECUTED = ("simple_network",)  # the notebook run as the site is built (the quickest; the others are shown unrun)
WAIT = 10  # seconds a page, its images or the search results may take to appear (each well under 1 s here)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site as `tfparity docs --site DIR --execute NOTEBOOK` builds it (the command's own
    folder handling is tested below, on a stand-in build)."""
    out = tmp_path_factory.mktemp("site") / "site"
    start = time.perf_counter()
    warnings = site.build(out, execute=EXECUTED)
    return out, warnings, time.perf_counter() - start


def test_the_site_builds_strictly_without_a_warning(built, capsys):
    out, warnings, seconds = built
    assert warnings == []
    pages = sorted(p.relative_to(out).parent.as_posix() for p in out.rglob("index.html"))
    with capsys.disabled():
        print(f"\n  site built in {seconds:.1f} s: {len(pages)} pages ({len(_guide_pages())} of the guide)")
    assert (out / "index.html").is_file() and (out / "regression" / "index.html").is_file()


def _guide_pages():
    """Every page of the guide as the site names it: docs/*.md and docs/notebooks/*.ipynb."""
    names = [p.stem for p in DOCS.glob("*.md") if p.name != "README.md"]
    return [""] + [f"{name}/" for name in names] + [f"notebooks/{p.stem}/" for p in DOCS.glob("notebooks/*.ipynb")]


def test_navigation_and_search_reach_every_page_of_the_guide(built):
    out, _, _ = built
    index = (out / "index.html").read_text()
    search = {doc["location"].split("#")[0] for doc in json.loads((out / "search" / "search_index.json").read_text())["docs"]}
    for page in _guide_pages():
        assert (out / page / "index.html").is_file(), page
        assert f'href="{page or "."}"' in index or f'href="./{page}"' in index, f"{page} not in the navigation"
        assert page in search, f"{page} not in the search index"
        assert "Measured scope" in (out / page / "index.html").read_text(), f"{page} shows no measured scope"


def test_the_twins_and_the_measured_scope_are_in_the_example_page(built):
    out, _, _ = built
    html = (out / "regression" / "index.html").read_text()
    assert html.count('class="twins"') >= 3 and 'class="twin twin-tf1"' in html and 'class="twin twin-tf2"' in html
    record = json.loads((DOCS / "results" / "regression.json").read_text())
    assert "Measured scope" in html and record["machine"]["cpu"] in html
    # A line link of the construct table lands on its line of the twin's source page.
    assert 'href="../source/tf1_graph/regression.py/#L-' in html
    assert 'id="L-1"' in (out / "source" / "tf1_graph" / "regression.py" / "index.html").read_text()


def test_a_broken_link_or_a_missing_image_fails_the_strict_build(tmp_path):
    docs = tmp_path / "docs"
    (docs / "notebooks").mkdir(parents=True)
    (docs / "README.md").write_text("# Planted\n\n[a page that is not there](missing.md)\n\n"
                                    "![a plot that is not there](img/missing.png)\n\n[an anchor](#nowhere)\n")
    warnings = site.build(tmp_path / "site", docs_dir=docs)
    assert any("missing.md" in w for w in warnings) and any("missing.png" in w for w in warnings)
    assert any("nowhere" in w for w in warnings)
    assert not (tmp_path / "site" / "index.html").exists() or warnings


def test_the_twin_pair_pattern_makes_two_columns_and_leaves_a_lone_twin():
    pair = ("TF1 — `tf1_graph/x.py` from line 1:\n\n```python\na = 1\n```\n\n"
            "TF2 — `tf2_eager/x.py` from line 2:\n\n```python\na = 1\n```")
    lone = "TF2 — `tf2_eager/x.py` from line 9:\n\n```python\nb = 2\n```"
    out = site.twin_columns(pair + "\n\n### whole loop (TF2 only)\n\n" + lone)
    assert out.count('<div class="twins" markdown>') == 1 and out.endswith(lone)


# --- the browser ---

@pytest.fixture(scope="module")
def served(built):
    out, warnings, _ = built
    assert warnings == []
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        pytest.skip(f"no browser: {', '.join(missing)} not installed (Debian: apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT * 3)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory):
    folder = pathlib.Path(os.environ.get("TFPARITY_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=WAIT) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _wait(driver, condition, what):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, WAIT).until(lambda d: condition(d), message=what)


def _open(driver, url):
    driver.get(url)
    _wait(driver, lambda d: d.execute_script("return document.readyState") == "complete", f"{url} did not load")
    # Every image loaded: complete, and decoded to a picture of some width.
    _wait(driver, lambda d: d.execute_script("return [...document.images].every(i => i.complete)"),
          f"{url}: images still loading")
    return driver.get_log("browser")


@pytest.mark.parametrize("kind", PAGES)
def test_each_kind_of_page_loads_in_chromium_without_errors(kind, browser, served, screenshots, capsys):
    url = served + PAGES[kind]
    logs = _open(browser, url)
    assert [entry["message"] for entry in logs if entry["level"] == "SEVERE"] == []
    images = browser.execute_script("return [...document.images].map(i => [i.getAttribute('src'), i.naturalWidth])")
    assert [src for src, width in images if width == 0] == []
    if kind in ("example", "notebook"):
        assert images, f"{kind}: the page shows no plot"
    scope = browser.find_element("css selector", "article .admonition").text
    expected = {"api_map": "No measurement", "notebook": "Run as this site was built, on TensorFlow"}  # EXECUTED: it ran
    assert scope.startswith("Measured scope") and expected.get(kind, "Measured on:\nTensorFlow") in scope, scope
    if kind == "notebook":
        cells = browser.find_elements("css selector", ".jp-Cell, .jp-CodeCell, .jp-MarkdownCell")
        assert len(cells) > 5 and "%%twin tf1" in browser.find_element("css selector", "article").text
    # Every link of the page within the site leads to a page the server has (a notebook's links to
    # the guide are rewritten by the build, which MkDocs does not check).
    links = browser.execute_script("return [...document.links].map(a => a.href)")
    inside = sorted({link.split("#")[0] for link in links if link.startswith(served)})
    assert [link for link in inside if _status(link) != 200] == []
    browser.save_screenshot(str(screenshots / f"{kind}.png"))
    shots = [f"{kind}.png"]
    if images:  # and the first plot, in view
        browser.execute_script("document.images[0].scrollIntoView({block: 'center'})")
        browser.save_screenshot(str(screenshots / f"{kind}-plot.png"))
        shots.append(f"{kind}-plot.png")
    with capsys.disabled():
        print(f"\n  screenshots in {screenshots}: {', '.join(shots)} ({len(images)} images, all loaded)")


def test_the_twins_sit_side_by_side_in_chromium(browser, served, screenshots):
    _open(browser, served + PAGES["example"])
    pair = browser.find_elements("css selector", ".twins")[0]
    browser.execute_script("arguments[0].scrollIntoView()", pair)
    tf1, tf2 = (pair.find_element("css selector", f".twin-{side}") for side in ("tf1", "tf2"))
    box1, box2 = tf1.rect, tf2.rect
    assert box1["width"] > 200 and box2["width"] > 200 and box1["height"] > 50 and box2["height"] > 50
    assert box2["x"] >= box1["x"] + box1["width"] and abs(box1["y"] - box2["y"]) < 5  # TF1 | TF2, one row
    assert tf1.text.startswith("TF1 — ") and tf2.text.startswith("TF2 — ")
    assert "def model" in tf1.text and "def model" in tf2.text
    browser.save_screenshot(str(screenshots / "twins.png"))


def test_the_browser_checks_see_a_planted_console_error_and_a_broken_image(browser, served, built):
    out, _, _ = built
    planted = out / "planted-check"
    planted.mkdir(exist_ok=True)
    (planted / "index.html").write_text('<!doctype html><title>planted</title><img src="missing.png">'
                                        '<script>throw new Error("planted error")</script>')
    try:
        logs = _open(browser, served + "planted-check/")
        severe = " ".join(entry["message"] for entry in logs if entry["level"] == "SEVERE")
        assert "planted error" in severe and "missing.png" in severe
        widths = browser.execute_script("return [...document.images].map(i => i.naturalWidth)")
        assert widths == [0]
    finally:
        shutil.rmtree(planted)


def test_a_search_for_saver_finds_the_checkpoint_page_in_chromium(browser, served, screenshots):
    _open(browser, served)
    field = browser.find_element("css selector", "input.md-search__input")
    field.click()
    field.send_keys("Saver")
    links = _wait(browser, lambda d: [a.get_attribute("href") for a in
                                      d.find_elements("css selector", ".md-search-result__item a")] or None,
                  "the search for Saver found nothing")
    browser.save_screenshot(str(screenshots / "search.png"))
    assert any("/checkpoints/" in link for link in links), links
    assert [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


# --- the command: `tfparity docs --site DIR` ---

def test_docs_site_refuses_a_folder_it_would_clobber_and_options_it_does_not_take(tmp_path, capsys):
    from tfparity.cli import main
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n")
    cases = [(["--site", str(other)], "holds other files"),
             (["--site", str(DOCS / "site")], "inside the guide"),
             (["--site", str(other / "notes.txt")], "not a folder"),
             (["--site", str(tmp_path / "s"), "--render-only"], "drop --render-only"),
             (["--site", str(tmp_path / "s"), "regression"], "drop EXAMPLE"),
             (["--site", str(tmp_path / "s"), "--execute", "no_such_notebook"], "no notebook no_such_notebook"),
             (["--execute"], "give --site DIR too")]
    for options, message in cases:
        assert main(["docs", *options]) == 2, options
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert (other / "notes.txt").read_text() == "mine\n" and sorted(p.name for p in other.iterdir()) == ["notes.txt"]
    assert not (tmp_path / "s").exists() and not (DOCS / "site").exists()


def test_docs_site_names_the_extra_when_the_generator_is_missing(tmp_path, capsys, monkeypatch):
    from tfparity.cli import main
    monkeypatch.setattr(site, "GENERATOR", site.GENERATOR + ("no_such_generator_module",))
    assert main(["docs", "--site", str(tmp_path / "s")]) == 2
    assert "pip install -e '.[site]'" in capsys.readouterr().err and not (tmp_path / "s").exists()


def _stand_in(warnings):
    """A build that writes a site of one page (and the files that mark a site), or only warns."""
    def build(folder, execute=(), docs_dir=None):
        if not warnings:
            (folder / "search").mkdir(exist_ok=True)  # the copy of a site before has it (MkDocs empties it first)
            for name in ("index.html", "sitemap.xml", "search/search_index.json"):
                (folder / name).write_text("new\n")
        return list(warnings)
    return build


def test_docs_site_swaps_the_new_site_in_and_keeps_the_old_one_when_the_build_warns(tmp_path, capsys, monkeypatch):
    from tfparity.cli import main
    out = tmp_path / "s"
    monkeypatch.setattr(site, "build", _stand_in([]))
    assert main(["docs", "--site", str(out)]) == 0
    assert (out / "index.html").read_text() == "new\n" and "python -m http.server -d" in capsys.readouterr().out
    (out / "index.html").write_text("old\n")
    monkeypatch.setattr(site, "build", _stand_in(["Doc file 'x.md' contains a link 'y.md', but the target is not found"]))
    assert main(["docs", "--site", str(out)]) == 1
    err = capsys.readouterr().err
    assert "warning: Doc file 'x.md'" in err and "1 warning(s) in strict mode" in err
    assert (out / "index.html").read_text() == "old\n"  # the site before, as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]  # no staging folder left
    monkeypatch.setattr(site, "build", _stand_in([]))
    assert main(["docs", "--site", str(out)]) == 0 and (out / "index.html").read_text() == "new\n"  # a site is replaced
