"""Browser tests for the staff portal: Debian's Chromium driven by Playwright's sync API.

Playwright's sync API runs an event loop in the test thread, which makes Django think it is in
async context; the live server's database calls are safe here (one test thread, one server
thread), so the guard is switched off for these tests only.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
