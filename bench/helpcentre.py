"""Help-centre speed (issue 3): My activities of a requester with >= 10k requests, and a request
page with 50 comments, on 100k users / 1M requests in one brand; throughput as a ratio to the
raw-sqlite3 baseline running the same SQL.

    python -m bench.helpcentre [--quick]
"""
from .common import Page
from .seed import SUBJECTS

PER_PAGE = 25
TITLE = "Help centre (issue 3)"
# Any seeded subject on the page shows the list really rendered the requester's rows.
LIST_MARKERS = tuple(subject.split("%")[0] for subject in SUBJECTS)


def pages(meta: dict) -> list[Page]:
    prefix = f"/{meta['brand_slug']}/hc/en"
    requester, thread = meta["requester_id"], meta["thread_ticket_id"]
    middle = meta["scale"]["big_requester_requests"] // PER_PAGE // 2  # a deep OFFSET
    return [
        Page("my_activities", f"{prefix}/requests", requester, LIST_MARKERS),
        Page("my_activities_middle_page", f"{prefix}/requests?page={middle}", requester, LIST_MARKERS),
        Page("my_activities_open", f"{prefix}/requests?status=open", requester, LIST_MARKERS),
        Page("request_50_comments", f"{prefix}/requests/{thread}", requester, ("Reply 49:",)),
    ]


if __name__ == "__main__":
    from .__main__ import main

    main(["helpcentre"])
