"""Pregnancy notification exports (母子保健 system CSV) for the import tests."""

from __future__ import annotations

import csv
import io

HEADER = [
    "整理番号",
    "届出日",
    "届出窓口",
    "氏名",
    "フリガナ",
    "生年月日",
    "電話番号",
    "メールアドレス",
    "住所",
    "地区",
    "出産予定日",
    "言語",
    "母子健康手帳番号",
]


def row(key: str, **overrides: str) -> dict[str, str]:
    values = {
        "整理番号": key,
        "届出日": "2026-11-20",
        "届出窓口": "亀有区民事務所",
        "氏名": "山田 さくら",
        "フリガナ": "ヤマダ サクラ",
        "生年月日": "1995-04-01",
        "電話番号": "",
        "メールアドレス": "",
        "住所": "東京都葛飾区亀有3-1-1",
        "地区": "亀有",
        "出産予定日": "2027-06-10",
        "言語": "日本語",
        "母子健康手帳番号": f"K-{key}",
    }
    values.update(overrides)
    return values


def export(rows: list[dict[str, str]], header: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or HEADER, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def good_rows(count: int, start: int = 1) -> list[dict[str, str]]:
    """`count` distinct women: each her own key, mobile number and email."""
    return [
        row(
            f"R{n:06d}",
            電話番号=f"070-1{n // 10000:03d}-{n % 10000:04d}",
            メールアドレス=f"woman{n}@example.jp",
        )
        for n in range(start, start + count)
    ]
