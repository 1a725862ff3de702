"""Hostile input and access: SQL text in every filter and URL parameter, markup in data and file names,
formulas in exports, path traversal in uploaded file names, the upload limits (one source of truth),
staff pages for viewers, slow password hashes, and no secrets in the repository or the logs."""

from __future__ import annotations

import logging
import re
import subprocess
import threading
import time
import tomllib
from pathlib import Path

import pytest
from argon2 import Type

from innovisits.data import audit, passwords, sql
from innovisits.data.config import MAX_UPLOAD_ROWS, QUERIES_DIR, STREAMLIT_CONFIG, max_upload_bytes
from innovisits.data.filters import QUERY_KEYS, Filters
from innovisits.data.store import Store
from innovisits.export import formats
from innovisits.ingest import batches
from innovisits.ingest.plan import Limits, Upload, prepare
from innovisits.ui.auth import COOKIE, cookie_markup
from tests import ingest_files as f
from tests import known_data
from tests.app.test_pages import app, metrics
from tests.app.test_upload_pages import PASSWORD, sign_in
from tests.app.test_upload_pages import app as staff_app

PROJECT = Path(__file__).resolve().parents[2]
HOSTILE = ["' or 1=1 --", "x'); drop table visits; --", '" or ""="', "1; select * from visits", "\\'; --", "%' --"]
UNSAFE_HTML = r"unsafe_allow_html\s*=\s*True|st\.html\((?![A-Z_]+\))|components\.v1|components\.html"
MARKUP = {
    "host": "<script>alert('host')</script>",
    "notes": "<img src=x onerror=alert('notes')>",
    "title": "<b>bold</b> **md** [link](javascript:alert(1))",
}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


@pytest.fixture
def known(known_csv_dir, data_env):
    return data_env(known_csv_dir)


def analytic_queries() -> list[str]:
    """Every query that the filters narrow: those binding the filter parameters."""
    return [n for n in sorted(p.stem for p in QUERIES_DIR.glob("*.sql")) if "cities" in sql.parameters(n)]


# --------------------------------------------------------------------------------------------- SQL


@pytest.mark.parametrize("field", ["cities", "departments", "kinds", "categories"])
def test_sql_in_every_filter_is_a_value_that_matches_nothing(data, field):
    store = Store(data)
    before = store.row_counts()
    for query in analytic_queries():
        for value in HOSTILE:
            rows = store.records(
                query,
                Filters(**{field: (value,)}),
                visit_id=value,
                search=value,
                limit=100,
                min_lift=1.5,
                min_support=1,
                granularity="month",
            )
            numbers = [v for r in rows for k, v in r.items() if k.startswith(("n_", "count_", "visits", "delegates"))]
            assert all(n in (0, None) for n in numbers), (query, value, rows)
    assert store.row_counts() == before  # nothing dropped or changed
    assert Store(data).row_counts() == before


def test_hostile_url_parameters_change_no_numbers(known):
    at = app({key: HOSTILE for key in QUERY_KEYS.values()})
    assert not at.exception
    assert metrics(at) == {"Visits": "4", "Delegates": "10", "Departments": "4", "Cities": "3"}  # ignored
    at = app({"city": ["Shenzhen", *HOSTILE], "dept": "x'); drop table visits; --"})
    assert not at.exception
    assert metrics(at)["Visits"] == "2"  # the known answer for Shenzhen: the hostile values match nothing
    for page in ("../../pages/participation.py", "../../pages/interest.py", "../../pages/explorer.py"):
        at.switch_page(page).run()
        assert not at.exception, page
    at = app()
    assert metrics(at)["Visits"] == "4"  # the table is still there


# ------------------------------------------------------------------------------------------ markup


def test_no_markup_can_be_injected_anywhere():
    """No element renders HTML from data: no unsafe_allow_html or components; st.html only with a constant
    (the presenter's style sheet) or the sign-in cookie's markup, which takes nothing but a token."""
    sources = [p for folder in ("innovisits", "pages") for p in (PROJECT / folder).rglob("*.py")]
    for path in [*sources, PROJECT / "dashboard.py"]:
        text = path.read_text(encoding="utf-8")
        text = text.replace("st.html(cookie_markup(value), unsafe_allow_javascript=True)", "")  # see below
        assert not re.search(
            r"unsafe_allow_html\s*=\s*True|st\.html\((?![A-Z_]+\))|components\.v1|components\.html", text
        ), path


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", 'x" onload="alert(1)', "a.b", "eyJ1Ijo.zz"])
def test_the_sign_in_cookie_markup_takes_only_a_token(value):
    with pytest.raises(ValueError, match="not a sign-in token"):
        cookie_markup(value)
    token = passwords.session_token("<b>x</b>", b"key")
    assert f'data-cookie="{COOKIE}={token}; Max-Age=' in cookie_markup(token)


def test_markup_in_data_and_file_names_is_shown_as_text(known):
    upload = f.REPORT.replace("Lamp works", MARKUP["host"]).replace("first line\nsecond line", MARKUP["notes"])
    upload = upload.replace("Lamps, poles", MARKUP["title"]).replace("HA,", "<i>HA</i>,")
    plan = prepare([Upload("<script>x</script>.csv", upload.encode())], known)
    assert [p.value for p in plan.problems] == ["<i>HA</i>"]  # an unknown department: shown, not run
    plan = prepare([Upload("<script>x</script>.csv", upload.replace("<i>HA</i>", "HA").encode())], known)
    batches.commit(plan, "<b>staff</b>")
    at = app()
    at.switch_page("../../pages/explorer.py").run()
    at.selectbox(key="explorer_visit").set_value("K5").run()
    assert not at.exception
    assert at.subheader[0].value == r"\<b\>bold\</b\> \*\*md\*\* \[link\]\(javascript\:alert\(1\)\)"
    shown = " ".join(str(e.value) for e in [*at.markdown, *at.caption, *at.text])
    assert "<script>" not in shown and "<img" not in shown  # escaped wherever markdown shows data
    at = sign_in(staff_app())
    at.switch_page("../../pages/staff/history.py").run()
    history = at.dataframe[0].value
    assert list(history.iloc[0][["By", "Files"]]) == ["<b>staff</b>", "<script>x</script>.csv"]  # literal text


def test_exports_neutralise_uploaded_formulas(data):
    payload = "=cmd|' /C calc'!A0"
    plan = prepare([Upload("r.csv", f.REPORT.replace("Lamp works", payload).encode())], data)
    batches.commit(plan, "test")
    visit = Store(data).execute("visit", visit_id="K5").df()
    assert visit["host"][0] == payload  # stored as written
    assert f"'{payload}".encode() in formats.csv_bytes(visit)
    assert payload.encode() not in formats.csv_bytes(visit).replace(f"'{payload}".encode(), b"")


# ---------------------------------------------------------------------------------- path traversal


@pytest.mark.parametrize("name", ["../../etc/x.csv", "/etc/passwd", "a\x00b/../c.csv", "..\\..\\win.csv", "."])
def test_uploaded_file_names_never_become_paths(tmp_path, name):
    directory = known_data.build(tmp_path / "data", "csv")
    outside = {p for p in tmp_path.rglob("*") if directory not in p.parents}
    batch = batches.commit(prepare([Upload(name, f.REPORT.encode())], directory), "test")
    assert {p for p in tmp_path.rglob("*") if directory not in p.parents} == outside
    added = {p.relative_to(directory).as_posix() for p in directory.rglob("batch-*")}
    assert added == {f"{t}/batch-{batch}.parquet" for t in f.ADDED}  # names come from table and batch id only
    assert audit.batches(directory)[0].files[0]["name"] == name  # kept as data, for the history


# -------------------------------------------------------------------------------------------- limits


def test_upload_size_limit_has_one_source():
    configured = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert max_upload_bytes() == configured * 1024 * 1024 == Limits().max_bytes


def test_too_large_and_too_many_rows_are_refused_with_a_clear_message(data):
    big = Upload("big.csv", f.REPORT.encode() + b"x" * (max_upload_bytes() + 1 - len(f.REPORT)))
    plan = prepare([big], data)
    assert plan.problems[0].line() == "big.csv: the file is larger than the 50 MB limit: split it into several files"
    plan = prepare([Upload("r.csv", f.REPORT.encode())], data, Limits(max_rows=2))
    assert plan.problems[0].reason() == (
        "3 rows is more than the 2 rows allowed in one upload: upload the files in several parts"
    )
    assert Limits().max_rows == MAX_UPLOAD_ROWS


def test_a_big_validation_does_not_block_other_pages(known):
    """One staff member's 8 MB upload is validated on its own thread (as Streamlit runs each session);
    meanwhile another person's Overview renders with the right numbers."""
    rows = "".join(f"B{n},2019-03-14,Shenzhen,Host {n},enterprise,t,n,FSD,delegate,robotics\n" for n in range(60_000))
    upload = Upload("big.csv", (f.REPORT.split("\n")[0] + "\n" + rows).encode())
    result = {}
    worker = threading.Thread(target=lambda: result.update(plan=prepare([upload], known)))
    app()  # warm the caches as a running server would be
    worker.start()
    started = time.monotonic()
    at = app()
    took = time.monotonic() - started
    still_validating = worker.is_alive()
    worker.join(timeout=300)
    print(f"\nOverview rendered in {took:.1f} s during a 60,000-row validation (still running: {still_validating})")
    assert metrics(at) == {"Visits": "4", "Delegates": "10", "Departments": "4", "Cities": "3"}
    assert result["plan"].ok and len(result["plan"].new["visits"]) == 60_000


# ---------------------------------------------------------------------------------------------- auth


def test_viewers_cannot_reach_staff_pages_by_url(known):
    at = staff_app()
    assert not [p for p in at.get("page_link") if "upload" in str(p.proto)]
    for page in ("../../pages/staff/upload.py", "../../pages/staff/history.py"):
        at = staff_app()
        with pytest.raises(Exception):  # noqa: B017 - not registered for a viewer: no such page
            at.switch_page(page).run()
    at = staff_app(staff=False)
    with pytest.raises(Exception):  # noqa: B017 - nor when no staff are configured at all
        at.switch_page("../../pages/staff/upload.py").run()


def test_passwords_use_a_slow_argon2id_hash():
    hashed = passwords.hash_password("x")
    assert hashed.startswith("$argon2id$")
    hasher = passwords._hasher
    assert hasher.type is Type.ID
    assert hasher.time_cost >= 2 and hasher.memory_cost >= 19 * 1024 and hasher.parallelism >= 1  # OWASP minimum
    started = time.perf_counter()
    passwords.verify({"a": hashed}, "a", "wrong")
    assert time.perf_counter() - started > 0.005  # slow enough that guessing offline is costly


def test_sign_in_logs_no_password(known, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    at = sign_in(staff_app(), password="wrong " + PASSWORD)
    at = sign_in(staff_app())
    assert at.success  # signed in
    out, err = capfd.readouterr()
    logged = caplog.text + out + err
    assert PASSWORD not in logged
    assert PASSWORD not in (known / ".innovisits").joinpath("audit.jsonl").read_text() if audit.events(known) else True


SECRET_PATTERNS = {
    "argon2 hash": r"\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{16,}",
    "private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    "credential assignment": (
        r"(?i)\b(password|passwd|secret|api_key|token|cookie_secret|client_secret)\s*=\s*[\"'][^\"'\s]{8,}"
    ),
    "aws key": r"AKIA[0-9A-Z]{16}",
}


def test_no_secret_in_the_repository():
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True, check=True).stdout
    assert ".streamlit/secrets.toml" not in tracked.split()
    found = []
    for name in tracked.split():
        path = PROJECT / name
        if not path.is_file() or path.suffix in (".parquet", ".png", ".pdf", ".pptx"):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        for what, pattern in SECRET_PATTERNS.items():
            if re.search(pattern, text) and name != "tests/system/test_reliability_security.py":
                found.append((name, what))
    assert not found
    ignored = (PROJECT / ".gitignore").read_text(encoding="utf-8")
    assert "secrets.toml" in ignored
