"""The dashboard's tables are written by a filter, not nested template loops: each cell is
escaped, the first heads its row."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils.safestring import mark_safe

from frontend.templatetags.staff_tables import table_rows


class TableRowsTest(SimpleTestCase):
    def test_the_first_cell_heads_the_row_and_every_cell_is_escaped(self) -> None:
        html = table_rows([["<b>会場</b>", "1 & 2", 3], ["x", ""]])
        self.assertEqual(
            html,
            '<tr><th scope="row">&lt;b&gt;会場&lt;/b&gt;</th><td>1 &amp; 2</td><td>3</td></tr>'
            '<tr><th scope="row">x</th><td></td></tr>',
        )

    def test_text_already_marked_safe_is_kept(self) -> None:
        self.assertEqual(
            table_rows([[mark_safe("<i>a</i>")]]), '<tr><th scope="row"><i>a</i></th></tr>'
        )
