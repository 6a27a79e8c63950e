"""The import rules between parts, checked on the source (imports inside functions count too).

- The domain apps never import the web pages: `frontend` builds on `scheduling`,
  `notifications` and `api`'s neighbours, never the other way round, so the booking core can be
  used (by the API, tasks, commands) without the resident and staff pages.
- `scheduling` sees of `notifications` only the outbox (what a booking change owes her) and the
  models (the access rules and reports read Message rows); municipality onboarding also saves
  message texts through text_services.
- In `notifications`, only tasks.py talks to the broker; dispatch.py (the dispatcher's rules)
  imports neither the services nor the tasks; no two of its modules import each other.
"""

from __future__ import annotations

import ast
from pathlib import Path
from unittest import TestCase

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ["scheduling", "notifications", "api"]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


NOTIFICATIONS_SEEN_BY_SCHEDULING = (
    "notifications.outbox",
    "notifications.models",
    "notifications.webhook_models",  # models too (issue 18's webhook subscriptions, deliveries)
    # Outbox writes made inside scheduling's own transactions, as outbox.py's are: a booking
    # change queues its webhook deliveries, a confirmed home visit its message.
    "notifications.webhooks",
    "notifications.home_visits",
    "notifications.waitlist_offers",
    "notifications.invitations",  # issue 16's invitations, queued with the invitation's record
)
# One exception, by file: onboarding a municipality from its YAML file saves its own message
# texts, which must pass the very checks the staff portal applies (text_services), not a copy.
NOTIFICATIONS_SEEN_BY_ONE_FILE = {
    "scheduling/municipality_files.py": ("notifications.text_services",),
}
# Known debt, listed so that nothing new joins it: issue 18's webhooks module nudges its sender
# through the broker itself (wake_webhook_sender), and so imports tasks.py, which imports it
# back. Its sending half belongs in tasks.py / a dispatcher module of its own.
BROKER_TALK_ALLOWED = {"notifications.webhooks"}
CYCLE_EDGES_ALLOWED = {("notifications.webhooks", "notifications.tasks")}
BROKER_CALLS = {"apply_async", "delay", "delay_on_commit", "send_task", "connection_for_write"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path) -> set[str]:
    """Every module or name imported, in full: `from . import outbox` in notifications/x.py is
    notifications.outbox, `from notifications.models import Message` notifications.models.Message.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def notifications_modules() -> dict[str, Path]:
    return {
        module_name(path): path
        for path in sorted((ROOT / "notifications").rglob("*.py"))
        if "migrations" not in path.parts
    }


class LayeringTest(TestCase):
    def test_no_domain_app_imports_the_web_pages(self) -> None:
        offenders = [
            f"{path.relative_to(ROOT)} imports {module}"
            for app in DOMAIN_APPS
            for path in sorted((ROOT / app).rglob("*.py"))
            for module in imported_modules(path)
            if module == "frontend" or module.startswith("frontend.")
        ]
        self.assertEqual(offenders, [])

    def test_the_check_sees_imports_inside_functions(self) -> None:
        path = ROOT / "var" / "layering_probe.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text("def f():\n    from frontend.staff import decorators\n", encoding="utf-8")
        self.addCleanup(path.unlink)
        self.assertIn("frontend.staff", imported_modules(path))

    def test_scheduling_sees_only_the_outbox_and_the_models_of_notifications(self) -> None:
        offenders = [
            f"{path.relative_to(ROOT)} imports {name}"
            for path in sorted((ROOT / "scheduling").rglob("*.py"))
            for name in imported_names(path)
            if name.startswith("notifications.")
            and not any(
                name == allowed or name.startswith(allowed + ".")
                for allowed in (
                    *NOTIFICATIONS_SEEN_BY_SCHEDULING,
                    *NOTIFICATIONS_SEEN_BY_ONE_FILE.get(str(path.relative_to(ROOT)), ()),
                )
            )
        ]
        self.assertEqual(offenders, [])

    def test_only_the_tasks_module_talks_to_the_broker(self) -> None:
        offenders = []
        for name, path in notifications_modules().items():
            if name == "notifications.tasks" or name in BROKER_TALK_ALLOWED:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            offenders += [
                f"{name} calls {node.func.attr}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in BROKER_CALLS
            ]
        self.assertEqual(offenders, [])

    def test_the_dispatcher_imports_neither_the_services_nor_the_tasks(self) -> None:
        modules = notifications_modules()
        imported = {
            owner
            for name in imported_names(ROOT / "notifications" / "dispatch.py")
            if (owner := _owning_module(name, modules)) is not None
        }
        # fallback.py: the LINE → SMS → email rules, split out of dispatch.py (same rule: it
        # imports neither the services nor the tasks).
        allowed = {
            "notifications.models",
            "notifications.texts",
            "notifications.home_visit_rules",
            "notifications.fallback",
            "notifications.line_texts",  # the button under a LINE booking message
            "notifications.invitation_rules",  # issue 16: when an invitation is stale
        }
        self.assertEqual(
            {m for m in imported - allowed if not m.startswith("notifications.transports")}, set()
        )

    def test_no_import_cycle_inside_notifications(self) -> None:
        modules = notifications_modules()
        graph = {
            name: {
                other
                for imported in imported_names(path)
                if (other := _owning_module(imported, modules)) not in (None, name)
                and (name, other) not in CYCLE_EDGES_ALLOWED
            }
            for name, path in modules.items()
        }
        cycle = _a_cycle(graph)
        self.assertIsNone(cycle, f"import cycle: {' -> '.join(cycle or [])}")

    def test_the_checks_resolve_relative_imports(self) -> None:
        path = ROOT / "var" / "layering_probe.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            "from . import tasks\nfrom .models import Message\n"
            "def f():\n    from notifications import services\n",
            encoding="utf-8",
        )
        self.addCleanup(path.unlink)
        self.assertEqual(
            imported_names(path), {"var.tasks", "var.models.Message", "notifications.services"}
        )


def _owning_module(name: str, modules: dict[str, Path]) -> str | None:
    """The most specific of `modules` that `name` is or lies in."""
    owners = [m for m in modules if name == m or name.startswith(m + ".")]
    return max(owners, key=len) if owners else None


def _a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path of names, or None (depth-first, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if state.get(nxt) is None and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if state.get(node) is None and (found := visit(node)):
            return found
    return None
