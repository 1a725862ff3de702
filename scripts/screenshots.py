"""Write the README's screenshots: every page of the dashboard over the bundled sample data, in Chromium, by the
same code the browser tests use (tests/browser/kit.py). Run by `make screenshots`:

    .venv/bin/python scripts/screenshots.py docs/screenshots
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import kit

# (file name, page, language, window): every page in English at laptop size, then Chinese and a phone.
SHOTS = [
    *[(name, name, "en", "laptop") for name in kit.PAGES],
    ("overview-zh", "overview", "zh", "laptop"),
    ("participation-phone", "participation", "en", "phone"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for the PNG files")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        kit.serve(kit.PROJECT / "data", Path(tmp) / "server.log") as server,
        sync_playwright() as playwright,
    ):
        browser = kit.launch(playwright)
        for file, name, lang, window in SHOTS:
            width, height = kit.VIEWPORTS[window]
            page = browser.new_page(viewport={"width": width, "height": height})
            kit.open_page(page, server.url, kit.PAGES[name], f"lang={lang}")
            print(kit.screenshot(page, args.out / f"{file}.png"))
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
