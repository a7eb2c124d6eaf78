"""Agent-workspace speed (issue 4): each view's p95 and throughput ratio to the raw-sqlite3
baseline with 1M tickets in the brand, the ticket page, and the notice/chat polling endpoint
(target < 5 ms p95, one query).

    python -m bench.agent [--quick]
"""
from .common import Page
from .helpcentre import LIST_MARKERS

TITLE = "Agent workspace (issue 4)"
VIEWS = ("mine", "unassigned", "unsolved", "pending", "solved", "requested")


def pages(meta: dict) -> list[Page]:
    prefix = f"/{meta['brand_slug']}/agent"
    agent, thread = meta["agent_id"], meta["thread_ticket_id"]
    return [
        *(Page(f"view_{view}", f"{prefix}/?view={view}", agent, LIST_MARKERS) for view in VIEWS),
        Page("ticket_50_comments", f"{prefix}/tickets/{thread}", agent, ("Reply 49:",)),
        Page("poll", f"{prefix}/poll?ticket_id={thread}", agent, p95_target_ms=5),
    ]


if __name__ == "__main__":
    from .__main__ import main

    main(["agent"])
