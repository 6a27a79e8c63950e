"""Bar-chart labels carry the whole site name (wrapped onto lines that fit the label column),
never a name cut to its first characters."""

from __future__ import annotations

import re

from django.test import SimpleTestCase

from frontend.staff.charts import MAX_LABEL_W, Series, grouped_bars, text_width, wrap_label

LONG_NAME = "葛飾区子ども家庭総合支援センター東金町分室（旧東金町保健センター）"


class ChartLabelsTest(SimpleTestCase):
    def test_a_long_name_is_whole_in_the_chart(self) -> None:
        svg = str(grouped_bars([LONG_NAME, "青戸"], [Series("Booked", "s2", [3, 5])]))
        lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
        self.assertEqual("".join(lines[:-1]), LONG_NAME)
        self.assertEqual(lines[-1], "青戸")

    def test_each_line_fits_the_label_column(self) -> None:
        for line in wrap_label(LONG_NAME, MAX_LABEL_W - 8):
            self.assertLessEqual(text_width(line), MAX_LABEL_W - 8)

    def test_latin_names_break_between_words(self) -> None:
        lines = wrap_label("Katsushika Children and Families Support Centre Annex", 120)
        self.assertEqual(" ".join(lines), "Katsushika Children and Families Support Centre Annex")
        self.assertTrue(all(not line.endswith(" ") for line in lines))

    def test_an_opening_bracket_stays_with_what_it_opens(self) -> None:
        for line in wrap_label(LONG_NAME, MAX_LABEL_W - 8):
            self.assertFalse(line.endswith("（"), line)
