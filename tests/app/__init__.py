"""AppTest helpers shared by the modules of this folder."""

from streamlit.testing.v1 import AppTest

from innovisits.i18n import LANGUAGES, t

NUMBERS_PANEL = {t("data_table", lang) for lang in LANGUAGES}


def open_tables(at: AppTest) -> AppTest:
    """Open every chart's "numbers behind this chart" panel, as a click on each does, and run: a closed panel
    draws no table (`ui.panels.numbers`). A panel's state key ends its element id ("$$ID-<hash>-<key>")."""
    for panel in at.expander:
        if panel.label in NUMBERS_PANEL:
            at.session_state[panel.proto.id.split("-", 2)[2]] = True
    return at.run()
