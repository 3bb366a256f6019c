"""``python -m tfparity.studies.distributed``: measure the study into docs/results/distributed.json, write its page."""
from tfparity.core import records
from tfparity.core.paths import DOCS
from tfparity.studies import distributed

if __name__ == "__main__":
    records.save(DOCS, distributed.measure_all(progress=lambda line: print(f"  {line}", flush=True)))
    distributed.render(DOCS)
