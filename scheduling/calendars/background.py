"""Calendar work queued from a web request when there is no broker (`make run`,
CELERY_TASK_ALWAYS_EAGER): it runs in a thread once the response has been sent, never inside
the request, so a slow server or a large file never holds the nurse's page.

Django sends `request_finished` when the server closes the response, after the last byte went
out; the work queued during that request starts then, in its own thread (the server's thread may
serve the browser's next request on the same connection). Outside a request (a shell, a
management command, a test's on-commit callbacks) it runs at once, in the caller's thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.db import connections

log = logging.getLogger(__name__)

_local = threading.local()


def after_response(work: Callable[[], object]) -> None:
    pending: list[Callable[[], object]] | None = getattr(_local, "pending", None)
    if pending is None:
        work()
    else:
        pending.append(work)


def _request_started(**_kwargs: object) -> None:
    _local.pending = []


def _request_finished(**_kwargs: object) -> None:
    pending: list[Callable[[], object]] | None = getattr(_local, "pending", None)
    _local.pending = None
    if pending:
        threading.Thread(target=_run, args=(pending,), name="calendar-import", daemon=True).start()


def _run(pending: list[Callable[[], object]]) -> None:
    try:
        for work in pending:
            try:
                work()
            except Exception:  # the tasks record their own failures; this is the last resort
                log.exception("calendar work after the response failed")
    finally:
        connections.close_all()  # this thread's own connections


request_started.connect(_request_started, dispatch_uid="calendars.background.started")
request_finished.connect(_request_finished, dispatch_uid="calendars.background.finished")
