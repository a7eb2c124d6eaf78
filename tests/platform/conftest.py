def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright (select with -m browser)")
