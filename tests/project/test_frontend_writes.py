"""The web package writes no domain rows itself: it calls a service in `scheduling` (or
`notifications`), which owns the transaction and the rules (issue 13).

Checked on the source of frontend/: no write through a model manager or queryset
(`X.objects….update()`, `.create()`, `.delete()`, `get_or_create`, …) and no `.save()` or
`.delete()` on a model instance. A Django form or formset saving what it edits (`form.save()`)
is the one idiom allowed. Known debt is listed by file and call so that nothing new joins it.
"""

from __future__ import annotations

import ast
from pathlib import Path
from unittest import TestCase

ROOT = Path(__file__).resolve().parents[2]
MANAGER_WRITES = {
    "update",
    "create",
    "delete",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
INSTANCE_WRITES = {"save", "delete"}
# Questions are deleted, and their choices saved as a formset, in the questionnaire page itself.
KNOWN_DEBT = {
    ("frontend/staff/views_questionnaires.py", "question.delete"),
    ("frontend/staff/views_questionnaires.py", "choices.save"),
}


def _receiver(node: ast.expr) -> list[str]:
    """The dotted names a call is made on: `User.objects.filter(...).update` → User, objects,
    filter."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        else:
            if isinstance(node, ast.Name):
                parts.append(node.id)
            return list(reversed(parts))


def _is_form(names: list[str]) -> bool:
    last = names[-1].lower() if names else ""
    return last.endswith(("form", "formset"))


def writes_in(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, names = node.func.attr, _receiver(node.func.value)
        through_manager = "objects" in names and method in MANAGER_WRITES
        on_instance = method in INSTANCE_WRITES and not _is_form(names) and names != ["super"]
        if through_manager or on_instance:
            found.append(f"{'.'.join(names)}.{method}")
    return found


class FrontendWritesNoDomainRowsTest(TestCase):
    def test_frontend_writes_through_services(self) -> None:
        offenders = [
            f"{relative}: {call}"
            for path in sorted((ROOT / "frontend").rglob("*.py"))
            if "migrations" not in path.parts
            for relative in [str(path.relative_to(ROOT))]
            for call in writes_in(path)
            if (relative, call) not in KNOWN_DEBT
        ]
        self.assertEqual(offenders, [])

    def test_the_check_sees_manager_and_instance_writes(self) -> None:
        path = ROOT / "var" / "frontend_writes_probe.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            "def f(user, form, request):\n"
            "    User.objects.filter(pk=1).update(phone_verified=True)\n"
            "    user.save(update_fields=['phone'])\n"
            "    form.save()\n"
            "    request.session.update({})\n",
            encoding="utf-8",
        )
        self.addCleanup(path.unlink)
        self.assertEqual(writes_in(path), ["User.objects.filter.update", "user.save"])
