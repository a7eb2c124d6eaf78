"""Run the benchmarks: `python -m bench [--quick] [helpcentre] [agent]` (all of them by default).

Seeds once (cached under bench/out/), captures each page's SQL in-process, then serves the app
and the baseline with gunicorn and prints one table per benchmark. Never part of `make test`.
"""
import argparse
import sys
import time

from . import agent, helpcentre
from .common import Bench, save, table

BENCHMARKS = {"helpcentre": helpcentre, "agent": agent}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale (20k requests), short runs")
    parser.add_argument("--page", action="append", default=[], metavar="NAME",
                        help="measure only this page (repeatable), e.g. ticket_50_comments")
    parser.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], default=[], metavar="benchmark",
                        help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    started = time.perf_counter()
    bench = Bench(quick=args.quick)
    print(f"seeding time: {bench.meta['seed_seconds']:.1f} s for {bench.meta['users']:,} users and "
          f"{bench.meta['requests']:,} requests (target < 60 s at full scale)", flush=True)
    tables = []
    for name in names:
        module = BENCHMARKS[name]
        pages = [page for page in module.pages(bench.meta) if not args.page or page.name in args.page]
        if not pages:
            continue
        rows = bench.measure(bench.prepare(pages))
        tables.append(table(module.TITLE, rows, **getattr(module, "TABLE_OPTIONS", {})))
        print("\n" + tables[-1] + f"\n(saved {save(name + ('-quick' if args.quick else ''), rows, bench.meta)})",
              flush=True)
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
