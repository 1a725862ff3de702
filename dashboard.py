"""InnoVisits entry point: the page's settings, then the routes (innovisits/ui/routes.py)."""

from pathlib import Path

import streamlit as st

from innovisits.ui import routes

# A local icon: a Material icon here would be fetched from fonts.gstatic.com (no requests off the machine).
ICON = Path(__file__).parent / "innovisits" / "ui" / "static" / "icon.png"
st.set_page_config(page_title="InnoVisits", page_icon=ICON, layout="wide")
routes.run()
