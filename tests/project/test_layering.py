"""The domain apps never import the web pages: `frontend` builds on `scheduling`,
`notifications` and `api`'s neighbours, never the other way round, so the booking core can be
used (by the API, tasks, commands) without the resident and staff pages."""

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
