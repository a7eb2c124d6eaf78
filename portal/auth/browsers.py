"""A session's browser in words ("Firefox on Windows"), read from its User-Agent by ua-parser,
the maintained Python port of uap-core's rules: a hand-written match would be wrong within months."""
from functools import lru_cache

from flask_babel import gettext as _
from ua_parser import parse

UNKNOWN = "Other"  # uap-core's family for what no rule recognises


@lru_cache(maxsize=2048)  # a parse costs ~2 ms; a person signs in from few browsers
def _families(user_agent: str) -> tuple[str | None, str | None]:
    result = parse(user_agent)
    browser = getattr(result.user_agent, "family", None)
    system = getattr(result.os, "family", None)
    return (browser if browser != UNKNOWN else None), (system if system != UNKNOWN else None)


def browser_label(user_agent: str | None) -> str:
    """"Firefox on Windows", "Safari", "A browser on Android", or "Unknown browser"."""
    browser, system = _families(user_agent[:300]) if user_agent else (None, None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser:
        return browser
    if system:
        return _("A browser on %(system)s", system=system)
    return _("Unknown browser")
