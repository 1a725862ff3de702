"""A session that reruns while the next data version's store is being built is answered from the previous
version at once, with a note that new data is arriving, and shows the new version on its rerun after the build;
a page opened meanwhile waits for the new version. The build is held back by the data directory's lock (as a
long ingest holds it): no timing is involved, and a page left waiting for the build would run out AppTest's
timeout and fail."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from innovisits import i18n
from innovisits.data import lock
from tests import known_data

ENTRY = str(Path(__file__).resolve().parent / "app_entry.py")


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric if m.label in ("Visits", "Delegates")}


def notes(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption]


def test_a_session_is_served_the_previous_version_while_the_next_is_built(known_csv_dir, data_env):
    data_env(known_csv_dir)
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert metrics(at) == {"Visits": "4", "Delegates": "10"}
    arriving = i18n.t("data_arriving", "en")
    assert arriving not in notes(at)
    known_data.write_batch(known_csv_dir, known_data.BATCH, "batch-1")
    with lock.writing(known_csv_dir):  # the new version's build cannot read the files until this ends
        at.run()
        assert not at.exception and metrics(at) == {"Visits": "4", "Delegates": "10"}
        assert arriving in notes(at)
    opened = AppTest.from_file(ENTRY, default_timeout=60).run()  # a page opened now waits for the new version
    assert metrics(opened) == {"Visits": "5", "Delegates": "12"} and arriving not in notes(opened)
    at.run()  # the session served the previous version switches on its next rerun
    assert metrics(at) == {"Visits": "5", "Delegates": "12"} and arriving not in notes(at)
