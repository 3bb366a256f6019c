"""``python -m tfparity.distributed``: measure the study into docs/results/distributed.json, write its page."""
from tfparity import distributed, records
from tfparity.paths import DOCS

if __name__ == "__main__":
    records.save(DOCS, distributed.measure_all(progress=lambda line: print(f"  {line}", flush=True)))
    distributed.render(DOCS)
