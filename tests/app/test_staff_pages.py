"""Staff's day-to-day work on the pages (AppTest, real files): a correction previewed change by change and
stored, an undo refused while a later batch builds on the batch, an unknown department added from the upload's
problem and then accepted, a re-added file replacing the earlier one, warnings for incomplete visits, the
Reference data page, and history naming batches by their visits in local time."""

from __future__ import annotations

import pytest

from innovisits.data import audit, passwords
from innovisits.data.store import Store
from tests import ingest_files as f
from tests.app.test_upload_pages import app, problem_table, sign_in, tables, upload

FIX = "visit_id,visit_date,city,host\nK5,2019-03-14,Shenzhen,Lamp works Ltd\n"


@pytest.fixture
def known(known_csv_dir, data_env):
    return data_env(known_csv_dir)


def save(at, label: str = "Save"):
    return next(b for b in at.button if b.label == label).click().run()


def test_correction_on_the_page_then_undo_refused_for_the_batch_it_corrects(known):
    at = sign_in(app())
    upload(at, ("report.csv", f.REPORT.encode()))
    at.button(key="upload_confirm").click().run()
    upload(at, ("fix.csv", FIX.encode()))
    assert "Store changed values as corrections" in at.checkbox(key="upload_corrections").label
    assert "ingest --corrections" in problem_table(at)["What to fix"][0]
    at.checkbox(key="upload_corrections").check().run()
    changes = next(t for t in tables(at) if "After correction" in t)
    assert changes.values.tolist() == [["Visits", "K5", "host", "Lamp works", "Lamp works Ltd"]]
    at.button(key="upload_confirm").click().run()
    assert at.success[0].value.startswith("Stored as batch ") and "corrects 1 row(s)" in at.success[0].value
    host = Store(known).con.sql("select host from visits where visit_id = 'K5'").fetchall()
    assert host == [("Lamp works Ltd",)]

    at.switch_page("../../pages/staff/history.py").run()
    history = tables(at)[0]
    assert list(history["Visits or entry"]) == ["K5", "K5"]
    assert list(history["Files"]) == ["fix.csv", "report.csv"]
    assert "Stored at (Asia/Hong_Kong)" in history.columns
    report_batch = audit.batches(known)[1].batch_id
    at.selectbox(key="history_batch").select(report_batch).run()
    at.checkbox(key="history_sure").check().run()
    at.button(key="history_withdraw").click().run()
    assert at.error[0].value.startswith(f"Batch {report_batch} cannot be withdrawn while later batches build on it")
    assert "corrects its rows" in at.error[0].value
    assert all(b.is_active for b in audit.batches(known))


def test_unknown_department_added_from_the_upload_problem(known):
    at = sign_in(app())
    upload(at, ("report.csv", f.REPORT.replace("HA,delegate", "水務署,delegate").encode()))
    assert at.error[0].value.startswith("Nothing was stored: 1 problem(s)")
    assert [e.label for e in at.expander][-1] == "水務署 is not a known department: add it?"
    assert at.text_input(key="unknown_0_department_zh").value == "水務署"  # written in Chinese: the Chinese name
    at.text_input(key="unknown_0_department_code").input("WSD")
    save(at)
    assert at.error[-1].value.startswith("Both names are required")
    at.text_input(key="unknown_0_department_en").input("Water Supplies Department")
    at.selectbox(key="unknown_0_department_kind").select("government")
    save(at)
    assert at.success[0].value.startswith("Added department WSD: stored as batch ")
    assert "upload_confirm" in [b.key for b in at.button]  # the same files now pass
    new_rows = tables(at)[1]
    assert list(new_rows["New rows"]) == [1, 3, 2]


def test_a_re_added_file_replaces_the_earlier_one(known):
    at = sign_in(app())
    upload(at, ("report.csv", f.REPORT.replace("Shenzhen", "Shenzen").encode()), ("report.csv", f.REPORT.encode()))
    assert not at.error
    assert "Replaced the earlier file of the same name: report.csv." in [c.value for c in at.caption]
    assert list(tables(at)[0]["File"]) == ["report.csv"]


def test_a_visit_without_delegates_or_categories_is_a_warning(known):
    at = sign_in(app())
    upload(at, ("visits.csv", f.VISITS.encode()))
    assert at.warning[0].value.startswith("Stored anyway, but check: 1 visit(s) lack delegates or categories")
    warned = next(t for t in tables(at) if "Visit" in t and "What to fix" in t)
    assert list(warned["Visit"]) == ["K5", "K5"]
    assert "upload_confirm" in [b.key for b in at.button]


def test_reference_page_adds_a_category_and_history_lists_it(known):
    at = sign_in(app())
    at.switch_page("../../pages/staff/reference.py").run()
    assert not at.exception
    assert "robotics" in list(tables(at)[2]["category_id"])
    at.text_input(key="reference_category_code").input("drones")
    at.text_input(key="reference_category_en").input("Drones")
    at.text_input(key="reference_category_zh").input("無人機")
    next(b for b in at.button if b.label == "Save" and "category" in str(b.proto.id)).click().run()
    assert at.success[0].value.startswith("Added technology category drones: stored as batch ")
    assert "drones" in list(tables(at)[2]["category_id"])
    at.switch_page("../../pages/staff/history.py").run()
    assert tables(at)[0]["Visits or entry"][0] == "added technology category drones (Drones / 無人機)"


def test_sign_in_token_is_signed_and_expires():
    key = passwords.session_key({"alice": "$argon2id$hash-a"})
    token = passwords.session_token("alice", key, now=1_000.0, hours=1)
    assert passwords.session_user(token, key, now=1_000.0 + 3_599) == "alice"
    assert passwords.session_user(token, key, now=1_000.0 + 3_600) is None  # expired
    signature = token.partition(".")[2]
    other = passwords.session_token("bob", key, now=1_000.0, hours=1).partition(".")[0]
    assert passwords.session_user(f"{other}.{signature}", key, now=1_000.0) is None  # payload swapped
    assert passwords.session_user(token, passwords.session_key({"alice": "$argon2id$hash-b"}), now=1_000.0) is None
    assert passwords.session_user(token, passwords.session_key({}, "a cookie secret"), now=1_000.0) is None
    assert passwords.session_user("", key) is None and passwords.session_user("not.a.token", key) is None
