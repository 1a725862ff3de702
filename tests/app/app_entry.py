"""The AppTest entry point: runs dashboard.py exactly as `streamlit run` does.

Why not AppTest.from_file("dashboard.py")? AppTest re-detects the `pages/` folder beside its main script on
every run and then, after the first run, executes the page script alone (Streamlit's old v1 multipage
mode), skipping the entry point's sidebar. A real server leaves that mode for good at the first
`st.navigation` call. From here, with no `pages/` folder beside it, every run goes through dashboard.py."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[2] / "dashboard.py"), run_name="__main__")
