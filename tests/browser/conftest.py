"""Compatibilité : les outils navigateur vivent dans `tests/navigateur.py` (fixture `navigateur`, `page_ok`)."""

from tests.navigateur import AXE, CHROMIUM, CHROMIUM_ARGS, page_ok


__all__ = ["AXE", "CHROMIUM", "CHROMIUM_ARGS", "page_ok"]
