from __future__ import annotations

from typing import Any

from tests.browser.helpers import SCREENSHOTS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Browser screenshots: {SCREENSHOTS}")
