"""Raw errors turned into messages, and silent damage refused (issue 16, items 5 and 7). Every file is
generated here. A read-only data directory and a full disk are real: a private mount namespace (`unshare`,
skipped where the kernel refuses one) mounts the directory read-only, or a tiny tmpfs, for one CLI run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from innovisits import i18n
from innovisits.data.lock import lock_path
from innovisits.ingest import reading
from innovisits.ingest.plan import Upload, prepare
from tests import ingest_files as f
from tests import known_data

HEADER = "visit_id,visit_date,city,host,visit_type,title,notes\n"
ROW = "K8,2019-01-01,Shenzhen,h,enterprise,t,\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def run(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innovisits", *args], env=env, input=stdin, capture_output=True, text=True, timeout=180
    )


def _can_unshare() -> bool:
    unshare = shutil.which("unshare")
    if not unshare:
        return False
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    return probe.returncode == 0


needs_namespace = pytest.mark.skipif(not _can_unshare(), reason="needs unshare (a private mount namespace)")


def in_namespace(script: str, env: dict) -> subprocess.CompletedProcess:
    """Run a shell script in a private mount namespace: its mounts vanish with it, the machine sees none."""
    command = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=240)


# ---------------------------------------------------------------------------- read-only and full disks


@needs_namespace
def test_ingest_into_a_read_only_directory_says_so_and_changes_nothing(data, tmp_path, cli_env):
    upload = f.write(tmp_path / "in", "r.csv", f.REPORT)
    before = f.tree_hash(data)
    python = sys.executable
    result = in_namespace(
        f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}" "{data}" && '
        f'"{python}" -m innovisits ingest "{upload}"',
        cli_env(data),
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "error: Nothing was stored: the data directory cannot be written" in result.stderr
    assert f.tree_hash(data) == before and not (data / ".innovisits").exists()


@needs_namespace
def test_backup_of_a_read_only_directory_needs_no_write(data, tmp_path, cli_env):
    out = tmp_path / "backup.tar.gz"
    result = in_namespace(
        f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}" "{data}" && '
        f'"{sys.executable}" -m innovisits backup --out "{out}"',
        cli_env(data),
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert out.is_file() and not lock_path(data).exists()


@needs_namespace
def test_ingest_onto_a_full_disk_says_so_and_leaves_no_staging(data, tmp_path, cli_env):
    """The data directory on a 1 MB tmpfs, filled up before the ingest; afterwards the script lists what the
    ingest left there (the tmpfs is gone once the namespace ends)."""
    upload = f.write(tmp_path / "in", "r.csv", f.REPORT)
    disk = tmp_path / "disk"
    disk.mkdir()
    python = sys.executable
    script = (
        f'mount -t tmpfs -o size=1m tmpfs "{disk}" && cp -a "{data}" "{disk}/data" && '
        f'(dd if=/dev/zero of="{disk}/fill" bs=4k 2>/dev/null; true) && '
        f'INNOVISITS_DATA_DIR="{disk}/data" "{python}" -m innovisits ingest "{upload}"; echo "rc=$?"; '
        f'find "{disk}/data" -mindepth 1 -printf "left: %P\\n"'
    )
    result = in_namespace(script, cli_env(data))
    assert "rc=2" in result.stdout.splitlines(), result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "error: Nothing was stored: the disk holding the data directory is full" in result.stderr
    left = [line.removeprefix("left: ") for line in result.stdout.splitlines() if line.startswith("left: ")]
    assert "visits.csv" in left  # the listing worked
    assert not [p for p in left if "staging" in p or p.endswith(".tmp")], left
    assert not [p for p in left if "batch-" in p]


# ---------------------------------------------------------------------------------- hash-password


def test_hash_password_reads_a_pipe(cli_env, data):
    result = run(cli_env(data), "hash-password", "--user", "bob", stdin="a long enough password\n")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout.splitlines()[-1].startswith('bob = "$argon2id$')
    empty = run(cli_env(data), "hash-password", stdin="")
    assert empty.returncode == 1 and "Traceback" not in empty.stderr
    assert "no password on standard input" in empty.stderr


# ------------------------------------------------------------------------------------- CSV structure


def test_a_3_mb_quoted_value_is_read(data):
    notes = "line, with commas and ""quotes""\n" * (3 << 20 >> 5)  # fmt: skip
    body = HEADER + f'K9,2019-03-14,Shenzhen,h,enterprise,t,"{notes}"\n'
    plan = prepare([Upload("long.csv", body.encode())], data)
    assert plan.ok, plan.problems
    assert plan.new["visits"]["notes"][0] == notes.replace('""', '"').strip()


@pytest.mark.parametrize("rows_before", [1, 30_000])  # among the rows DuckDB samples, and past them
def test_a_row_of_5011_fields_is_refused_by_row(data, rows_before):
    body = HEADER + ROW * rows_before + "K9," + ",".join(["1"] * 5010) + "\n"
    plan = prepare([Upload("wide.csv", body.encode())], data)
    row = rows_before + 2
    assert [(p.code, dict(p.params)) for p in plan.problems] == [
        ("too_many_fields", {"row": row, "fields": 5011, "limit": reading.MAX_COLUMNS})
    ]
    assert plan.problems[0].line() == (
        f"wide.csv: row {row} has 5011 fields, more than the 200 an upload can have: check the delimiter is a "
        "comma and that quotes are closed"
    )


def test_many_quoted_commas_in_one_value_are_fine(data):
    body = HEADER + f'K9,2019-03-14,Shenzhen,"{"," * 500}",enterprise,t,\n'
    assert prepare([Upload("commas.csv", body.encode())], data).ok


@pytest.mark.parametrize(
    ("body", "code", "row"),
    [
        (HEADER + ROW + 'K9,2019-01-01,"Shenzhen,h,enterprise,t,\n' + ROW.replace("K8", "K10"), "unclosed_quote", 3),
        (HEADER + '"K8,2019-01-01,Shenzhen,h,enterprise,t,\n', "unclosed_quote", 2),
    ],
)
def test_an_unclosed_quote_names_its_row(data, body, code, row):
    plan = prepare([Upload("q.csv", body.encode())], data)
    assert [(p.code, p.params["row"]) for p in plan.problems] == [(code, row)]
    assert f"row {row} opens a quote" in plan.problems[0].line()
    assert f"第 {row} 行" in plan.problems[0].reason("zh")


# -------------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "content",
    [
        (HEADER + ROW).encode().replace(b"h,enterprise", b"Bad \xff\xfe host,enterprise"),  # cp1250 would guess
        f.REPORT.replace("Lamp works", "Lampé wörks").encode("latin-1"),
        (HEADER + ROW).encode().replace(b"Shenzhen", b"\x80\x80\x80"),
    ],
)
def test_text_in_no_plausible_encoding_is_refused(data, content):
    plan = prepare([Upload("bad.csv", content)], data)
    assert [p.code for p in plan.problems] == ["not_text"]
    assert "UTF-8, UTF-16, Big5 or GB18030" in plan.problems[0].line()
    assert "{" not in i18n.t("upload_reason_not_text", "zh")


@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("cp950", "cp950"), ("gb18030", "gb18030")],
)
def test_the_plausible_encodings_are_read(data, encoding, read_as):
    plan = prepare([Upload("zh.csv", f.REPORT_ZH.encode(encoding))], data)
    assert plan.ok, plan.problems
    assert plan.files[0].encoding == read_as and plan.new["visits"]["host"][0] == "Lamp works"


def test_the_cli_says_which_encoding_it_worked_out(data, tmp_path, cli_env):
    big5 = f.write(tmp_path / "in", "big5.csv", f.report_big5())
    utf8 = f.write(tmp_path / "in", "utf8.csv", f.VISITS.replace("K5", "K6"))
    result = run(cli_env(data), "ingest", "--dry-run", str(big5), str(utf8))
    assert result.returncode == 0, result.stderr
    assert "note: big5.csv was read as cp950, not UTF-8: check its text" in result.stderr
    assert "utf8.csv" not in result.stderr
