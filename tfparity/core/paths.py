"""Where things are: the checkout the twins and the guide live in, computed once."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
NOTES = DOCS / "notes"
README = ROOT / "README.md"
