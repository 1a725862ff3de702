"""Staff pages through AppTest: viewers never see them, sign-in with an argon2 account set through
at.secrets, backoff on wrong passwords, and the acceptance path: a Big5 visit report uploaded, previewed,
confirmed and seen on every page; a malformed file refused with nothing stored; a batch withdrawn."""

import re
import threading

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from innovisits.data import passwords
from innovisits.ingest import batches
from tests import ingest_files as f
from tests.app import open_tables
from tests.app.test_pages import ENTRY, metrics

PASSWORD = "correct horse battery staple"
HASH = passwords.hash_password(PASSWORD)


@pytest.fixture(autouse=True)
def fresh_backoff(tmp_path, monkeypatch):
    """Each test its own shared sign-in throttle (the state directory every replica would share)."""
    monkeypatch.setenv("INNOVISITS_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def known(known_csv_dir, data_env):
    return data_env(known_csv_dir)


def app(staff: bool = True) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    if staff:
        at.secrets["staff"] = {"accounts": {"alice": HASH}}
    return at.run()


def sign_in(at: AppTest, user: str = "alice", password: str = PASSWORD) -> AppTest:
    at.switch_page("../../pages/sign_in.py").run()
    at.text_input(key="sign_in_user").input(user)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def test_viewer_has_no_staff_pages(known):
    at = app()
    with pytest.raises(Exception):  # noqa: B017 - not registered for a viewer, so not reachable by URL
        at.switch_page("../../pages/staff/upload.py").run()
    at = app()
    at.switch_page("../../pages/sign_in.py").run()
    assert not at.exception
    assert [t.value for t in at.text_input] == ["", ""]


def test_no_staff_configured_explains_how_to_turn_uploading_on(known):
    at = app(staff=False)
    at.switch_page("../../pages/sign_in.py").run()
    assert not at.exception
    assert "Uploading is turned off" in at.warning[0].value
    assert "python -m innovisits hash-password" in at.markdown[0].value
    assert not at.text_input  # no form, so no password can be tried


def test_wrong_passwords_are_slowed_down(known):
    earlier = passwords.FREE_ATTEMPTS + 3  # wrong attempts long ago, their waits over
    for i in range(earlier):
        assert passwords.accounts().claim("alice", now=1000.0 * (i + 1)) == 0
    at = app()
    sign_in(at, password="wrong")  # checked (no wait left), and it sets one of 2**(7 - 3) = 16 s
    assert at.error[0].value == "Wrong account or password."
    sign_in(at)  # the right password, too soon even for a slow run on a loaded machine
    assert at.error[0].value.startswith("Too many wrong attempts: try again in")
    assert passwords.accounts().attempts("alice") == earlier + 1  # the right one not checked


def test_the_account_wait_is_shared_and_holds_under_parallel_attempts(tmp_path):
    """Two replicas open one database: a wait set through one holds on the other; of 10 attempts at once on a
    fresh account, FREE_ATTEMPTS are checked; once a wait has run out, 10 at once get exactly 1 checked."""
    replica_a = passwords.SharedBackoff(tmp_path / "state" / "sign-in.sqlite")
    replica_b = passwords.SharedBackoff(tmp_path / "state" / "sign-in.sqlite")

    def at_once(now: float) -> int:
        waits = []
        threads = [
            threading.Thread(target=lambda i=i: waits.append((replica_a, replica_b)[i % 2].claim("bob", now)))
            for i in range(10)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(wait == 0 for wait in waits)

    assert at_once(now=1000.0) == passwords.FREE_ATTEMPTS
    assert replica_b.wait("bob", now=1000.0) == 1.0  # the third wrong attempt: 1 s
    assert at_once(now=1001.0) == 1
    assert replica_a.wait("bob", now=1001.0) == 2.0  # the fourth: 2 s
    assert replica_b.attempts("bob") == passwords.FREE_ATTEMPTS + 1
    replica_b.succeeded("bob")
    assert replica_a.claim("bob", now=1001.0) == 0


def test_password_sign_in_is_off_without_a_shared_throttle(known, monkeypatch, tmp_path):
    (tmp_path / "not-a-directory").write_text("")
    monkeypatch.setenv("INNOVISITS_STATE_DIR", str(tmp_path / "not-a-directory" / "state"))
    at = app()
    at.switch_page("../../pages/sign_in.py").run()
    assert not at.exception
    assert at.error[0].value.startswith("Password sign-in is off until the shared sign-in throttle can be opened")
    assert not at.text_input


def test_upload_and_history_pages_say_why_uploads_are_off_and_who_can_upload(known, monkeypatch):
    at = sign_in(app())
    monkeypatch.setenv("INNOVISITS_UPLOADS", "off")
    for page in ("upload", "history"):
        at.switch_page(f"../../pages/staff/{page}.py").run()
        assert not at.exception
        assert (
            at.warning[0].value
            == "Uploads are off on this server: uploads are turned off on this server (INNOVISITS_UPLOADS=off)"
        )
        assert "python -m innovisits ingest" in at.info[0].value and str(known) in at.info[0].value
        assert not at.file_uploader and not at.dataframe  # no upload, no batches to withdraw


def test_a_bucket_with_the_local_engine_is_a_reason_not_an_error(monkeypatch):
    monkeypatch.setenv("INNOVISITS_ENGINE", "local")
    assert "set INNOVISITS_ENGINE=httpfs" in batches.why_off("s3://bucket/data")
    monkeypatch.setenv("INNOVISITS_ENGINE", "httpfs")
    assert batches.why_off("s3://bucket/data") is None
    assert "s3://bucket/prefix" in batches.why_off("https://example.org/data")


def test_backoff_doubles_per_account_and_resets_on_success():
    backoff = passwords.Backoff()
    for _ in range(passwords.FREE_ATTEMPTS - 1):
        backoff.failed("bob", now=0.0)
    assert backoff.wait("bob", now=0.0) == 0
    backoff.failed("bob", now=0.0)
    backoff.failed("bob", now=10.0)
    assert (backoff.wait("bob", now=10.0), backoff.wait("carol", now=10.0)) == (2.0, 0)
    backoff.succeeded("bob")
    assert backoff.wait("bob", now=10.0) == 0


def test_sign_in_in_chinese(known):
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.secrets["staff"] = {"accounts": {"alice": HASH}}
    at.query_params["lang"] = "zh"
    at.run()
    sign_in(at)
    assert at.success[0].value == "已登入為 alice。"


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.switch_page("../../pages/staff/upload.py").run()
    uploader = at.file_uploader[0]
    for name, content in files:
        uploader.upload(name, content, "text/csv")
    return at.run()


def tables(at: AppTest) -> list:
    """The page's tables in order (AppTest does not expose st.dataframe keys)."""
    return [d.value for d in at.dataframe]


def test_big5_report_preview_confirm_and_seen_on_every_page(known):
    at = sign_in(app())
    assert at.success[0].value == "Signed in as alice."
    upload(at, ("report.csv", f.report_big5()))
    assert not at.exception, [e.value for e in at.exception]
    files, counts, change, new_visits = tables(at)
    assert (files["Recognised as"][0], files["Encoding"][0], files["Rows"][0]) == ("Visit report", "cp950", 3)
    assert list(counts["New rows"]) == [1, 3, 2] and list(counts["Already stored"]) == [0, 0, 0]
    assert list(change["Now"]) == list(f.BEFORE.values()) and list(change["After upload"]) == list(f.AFTER.values())
    assert list(new_visits["Visit"]) == ["K5"] and list(new_visits["City"]) == ["Shenzhen"]
    assert not list(known.rglob("batch-*"))  # previewed, nothing written yet
    at.button(key="upload_confirm").click().run()
    assert at.success[0].value.startswith("Stored as batch ")
    at.switch_page("../../pages/overview.py").run()
    assert metrics(at) == {"Visits": "5", "Delegates": "13", "Departments": "4", "Cities": "3"}
    open_tables(at.switch_page("../../pages/participation.py").run())
    participation = at.dataframe[0].value
    assert dict(zip(participation["Code"], participation["Delegates"], strict=True))["EMSD"] == 4
    open_tables(at.switch_page("../../pages/interest.py").run())
    matrix = at.dataframe[0].value
    assert matrix[(matrix["City"] == "Shenzhen") & (matrix["Code"] == "robotics")].iloc[0]["Visits"] == 3
    at.switch_page("../../pages/explorer.py").run()
    assert list(at.dataframe[0].value["Visit"]) == ["K4", "K5", "K3", "K2", "K1"]  # newest first


def problem_table(at: AppTest) -> pd.DataFrame:
    """The problems as read on the page: a static table (long reasons wrap) whose cells are escaped so that
    nothing in them is rendered as markdown."""
    return at.table[0].value.map(lambda text: re.sub(r"\\(.)", r"\1", text))


def test_malformed_file_is_refused_on_the_page(known):
    at = sign_in(app())
    before = f.tree_hash(known)
    upload(at, ("bad.csv", f.REPORT.replace("Shenzhen", "Shenzen").encode()))
    assert at.error[0].value.startswith("Nothing was stored: 3 problem(s) to fix.")
    problems = problem_table(at)
    assert list(problems.iloc[0]) == ["bad.csv", "2", "city", "Shenzen", problems.iloc[0]["What to fix"]]
    assert "closest known: Shenzhen" in problems.iloc[0]["What to fix"]
    assert "upload_confirm" not in [b.key for b in at.button]
    assert f.tree_hash(known) == before


def test_problems_are_wholly_in_chinese_on_the_chinese_page(known):
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.secrets["staff"] = {"accounts": {"alice": HASH}}
    at.query_params["lang"] = "zh"
    sign_in(at.run())
    header = "考察,日期,城市,接待機構,類型,主題,備註,部門,角色,科技類別,負責人\n"
    rows = (
        "K5,2019-03-14,深圳,燈廠,工廠,燈柱,,機電署,組長,機械人及機械臂\n"
        "K5,2019-03-14,深圳,燈廠,企業,燈柱,,消防處,團員,\n"
    )
    upload(at, ("壞.csv", (header + rows).encode()))
    table = problem_table(at)
    assert at.error[0].value.startswith("沒有儲存任何資料：有 4 個問題需要修正。")
    assert sorted(zip(table["行"], table["欄"], table["須修正之處"], strict=True)) == [
        (
            "1",
            "負責人",
            "不是考察報告檔案的欄位（最接近：—；可用欄位：考察、日期、城市、接待機構、類型、主題、備註、"
            "接待機構（中文）、主題（中文）、備註（中文）、部門、團員編號、角色、科技類別）：請更改標題或刪除此欄",
        ),
        ("2", "角色", "不是允許的數值；請使用：團長、團員"),
        ("2", "類型", "不是允許的數值；請使用：企業、創新基地、專題會議"),
        ("3", "類型", "此考察在 壞.csv 第 2 行 的資料不同：請令各行一致"),
    ]


def test_history_lists_and_withdraws_a_batch(known):
    at = sign_in(app())
    upload(at, ("report.csv", f.REPORT.encode()))
    at.button(key="upload_confirm").click().run()
    at.switch_page("../../pages/staff/history.py").run()
    history = tables(at)[0]
    assert (history["By"][0], history["Files"][0], history["Status"][0]) == ("alice", "report.csv", "Active")
    at.checkbox(key="history_sure").check().run()
    at.button(key="history_withdraw").click().run()
    assert at.success[0].value.startswith("Batch ")
    assert tables(at)[0]["Status"][0].startswith("Withdrawn")
    at.switch_page("../../pages/overview.py").run()
    assert metrics(at)["Visits"] == "4"


def test_signed_out_staff_lose_the_pages(known):
    at = sign_in(app())
    at.button(key="sign_out").click().run()
    with pytest.raises(Exception):  # noqa: B017
        at.switch_page("../../pages/staff/history.py").run()
