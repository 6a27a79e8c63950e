from __future__ import annotations

from django.apps import AppConfig

# Django knows no "tl" (Tagalog) or our "ja-easy" (やさしい日本語): without LANG_INFO entries
# get_language_info() fails for them, and the language switcher cannot name them.
EXTRA_LANG_INFO = {
    "tl": {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"},
    "ja-easy": {
        "bidi": False,
        "code": "ja-easy",
        "name": "Easy Japanese",
        "name_local": "やさしい にほんご",
    },
}


class FrontendConfig(AppConfig):
    name = "frontend"

    def ready(self) -> None:
        from django.conf.locale import LANG_INFO

        for code, info in EXTRA_LANG_INFO.items():
            LANG_INFO.setdefault(code, info)
