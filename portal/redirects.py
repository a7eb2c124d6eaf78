"""Where a redirect taken from the request may go: a path on this site, nothing else (DESIGN §13).

Every `next` (and any other target read from the request) goes through `safe_local_target`.
"""
import re
from urllib.parse import urlsplit

# C0 and C1 controls and DEL: browsers drop tab, CR and LF inside URLs ("/\t/evil" is "//evil"),
# and CR/LF in a Location header would split it.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def safe_local_target(value, default: str) -> str:
    """`value` when it is a path on this site ("/..."), else `default`.

    Control characters are removed first; then anything a browser could read as another host
    is refused: "//host", "/\\host" (browsers treat "\\" as "/"), a scheme ("https:host",
    "javascript:..."), or a leading space.
    """
    if not isinstance(value, str) or not value:
        return default
    target = _CONTROLS.sub("", value)
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
