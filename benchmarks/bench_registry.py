"""Registry benchmarks, in one run:

1. Importing every file in ../shared/data/eutl against the time pandas takes only to parse them
   (goal: import <= 10x the pandas parse).
2. The ranking query (NL, by company, top 20) after that import (goal: <= 50 ms).
"""

import statistics
import sys
import time

from _django import EUTL_DIR, report, setup_django


def main() -> int:
    files = sorted(EUTL_DIR.glob("installations-*.csv"))
    if not files:
        print(f"SKIPPED: no EU ETS files in {EUTL_DIR}")
        return 0
    import pandas as pd

    start = time.perf_counter()
    for f in files:
        pd.read_csv(f, dtype=str, keep_default_na=False)
    pandas_s = time.perf_counter() - start

    setup_django()
    from maatwerk.registry.models import EmissionRecord
    from maatwerk.registry.selectors import rank_emitters
    from maatwerk.registry.services import import_eutl_files

    start = time.perf_counter()
    import_eutl_files(files, user="bench")
    import_s = time.perf_counter() - start
    ratio = import_s / pandas_s
    report(
        f"EUTL import of {len(files)} files ({EmissionRecord.objects.count():,} yearly records)",
        "pandas.read_csv only",
        pandas_s,
        "maatwerk import_eutl (parse, validate, write, provenance)",
        import_s,
        ratio,
        "<= 10x",
        ratio <= 10,
    )

    year = max(EmissionRecord.objects.values_list("year", flat=True))
    rank_emitters(year, "NL", by="company", top=20)  # warm up
    timings = []
    for _ in range(30):
        start = time.perf_counter()
        rank_emitters(year, "NL", by="company", top=20)
        timings.append(time.perf_counter() - start)
    median = statistics.median(timings)
    print(f"Ranking query (NL, {year}, by company, top 20), median of 30")
    print(f"  result    {median * 1000:.2f} ms   goal: <= 50 ms   {'MET' if median <= 0.05 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
