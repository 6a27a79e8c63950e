"""Every task beat sends can be sent: Celery refuses (and beat only logs) a task whose soft time
limit exceeds its hard one, so such a task would silently never run in production."""

from __future__ import annotations

from django.conf import settings
from django.test import SimpleTestCase

import notifications.tasks
import scheduling.tasks
from yurikago.celery import app

TASK_MODULES = (notifications.tasks, scheduling.tasks)  # imported: their tasks are registered


class BeatScheduleTest(SimpleTestCase):
    def test_every_scheduled_task_has_a_soft_limit_within_its_hard_limit(self) -> None:
        for entry, schedule in app.conf.beat_schedule.items():
            task = app.tasks[schedule["task"]]
            hard = task.time_limit or settings.CELERY_TASK_TIME_LIMIT
            soft = task.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
            with self.subTest(entry):
                self.assertLessEqual(soft, hard)
