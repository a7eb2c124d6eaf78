"""Run the benchmarks: `python -m bench [--quick] [helpcentre] [agent]` (all of them by default);
`python -m bench mail [--messages N]` measures mail delivery (bench/mail.py);
`python -m bench attachments` uploads/downloads and a thread with files (bench/attachments.py);
`python -m bench reply-cost` what notifications add to a public reply's POST (bench/reply_cost.py).

Seeds once (cached under bench/out/), captures each page's SQL in-process, then serves the app
and the baseline with gunicorn and prints one table per benchmark. Never part of `make test`.
"""
import argparse
import sys
import time

from . import agent, helpcentre
from .common import Bench, save, table

BENCHMARKS = {"helpcentre": helpcentre, "agent": agent}
# Enough seed metadata to list the pages' names before seeding.
_NAMES_ONLY = {"brand_slug": "", "requester_id": 0, "agent_id": 0, "thread_ticket_id": 0,
               "scale": {"big_requester_requests": 0}}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["reply-cost"]:  # what notifications add to a public reply (bench/reply_cost.py)
        from . import reply_cost

        return reply_cost.main(argv[1:])
    if argv[:1] == ["attachments"]:  # upload/download of 10 MB and a thread with 50 files, bench/attachments.py
        from . import attachments

        return attachments.main(argv[1:])
    if argv[:1] == ["mail"]:  # `python -m bench mail`: its own run (no seed, no pages), bench/mail.py
        from . import mail

        return mail.main(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale (20k requests), short runs")
    parser.add_argument("--page", action="append", default=[], metavar="NAME",
                        help="measure only this page (repeatable), e.g. ticket_50_comments")
    parser.add_argument("names", nargs="*", choices=[[], *BENCHMARKS], default=[], metavar="benchmark",
                        help=f"any of {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args(argv)
    names = args.names or list(BENCHMARKS)
    known = {page.name for name in names for page in BENCHMARKS[name].pages(_NAMES_ONLY)}
    if set(args.page) - known:
        parser.error(f"unknown page(s): {', '.join(sorted(set(args.page) - known))}; "
                     f"pages: {', '.join(sorted(known))}")
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
        suffix = ("-quick" if args.quick else "") + ("-pages" if args.page else "")
        tables.append(table(module.TITLE, rows, **getattr(module, "TABLE_OPTIONS", {})))
        print("\n" + tables[-1] + f"\n(saved {save(name + suffix, rows, bench.meta)})",
              flush=True)
    print(f"\ntotal time: {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
