"""Run every benchmark and print its tables: ``python bench/run.py [name ...]``.

Benchmarks: overhead, economy, cold_start, concurrency, scale, layers, loop_work. Takes
under five minutes on a two-core machine. Numbers are only comparable within one run:
read the ratios.
"""

from __future__ import annotations

import logging
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cold_start
import concurrency
import economy
import layers
import loop_work
import overhead
import scale

BENCHMARKS = {
    "overhead": overhead.run,
    "economy": economy.run,
    "cold_start": cold_start.run,
    "concurrency": concurrency.run,
    "scale": scale.run,
    "layers": layers.run,
    "loop_work": loop_work.run,
}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    # The tables go to stdout; the servers' log lines to stderr, warnings only. (The
    # overhead benchmark listens to the per-call line on a logger of its own.)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    print(f"# halopsa-mcp benchmarks ({platform.python_implementation()} "
          f"{platform.python_version()}, {platform.machine()})\n")  # fmt: skip
    started = time.perf_counter()
    for name in names or list(BENCHMARKS):
        began = time.perf_counter()
        for table in BENCHMARKS[name]():
            print(table.render(), end="\n\n")
        print(f"({name}: {time.perf_counter() - began:.0f} s)\n", flush=True)
    print(f"total: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
