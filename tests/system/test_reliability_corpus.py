"""Hostile and malformed uploads (tests/corpus.py, 300+ files) and hypothesis fuzzing: every file ends in a
correct accept or a rejection that names the file (and row and column where there is one) with a reason in
words, within a time limit, and a rejection leaves the data directory byte for byte as it was. The whole
corpus goes through the reading stage (bytes -> rows, where binary, encodings and broken CSV are caught);
a deterministic sample and the fuzzer go through the whole validation (`prepare`), a few through the CLI;
a 200 MB single-line file is refused in a subprocess with bounded memory."""

from __future__ import annotations

import collections
import resource
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from innovisits import i18n
from innovisits.ingest import reading
from innovisits.ingest.plan import Plan, Upload, prepare
from tests import corpus, known_data
from tests import ingest_files as f

LIMIT_SECONDS = 60  # per file, on a loaded 2-core machine; the slowest corpus file takes ~3 s
SAMPLE = (
    "zip_bomb.csv",
    "nul_late_in_file.csv",
    "nul_value_late.csv",
    "duplicate_headers.csv",
    "formula_payloads.csv",
    "rtl_override_host.csv",
    "script_in_names.csv",
    "fullwidth_digits_date.csv",
    "zero_width_department.csv",
    "homoglyph_city.csv",
    "ragged_rows.csv",
    "many_columns.csv",
    "sql_in_values.csv",
    "negative_and_huge_numbers.csv",
)
MUTANT_SAMPLE_EVERY = 20  # and every 20th mutant


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return corpus.corpus()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


@contextmanager
def time_limit(seconds: int, what: str):
    """Fail instead of hanging: SIGALRM interrupts a file that takes too long."""

    def expired(*_):
        raise TimeoutError(f"{what} took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_reason(code: str, params: dict, lang: str = "en") -> str:
    text = i18n.t(f"upload_reason_{code}", lang, **params)
    assert not text.startswith("upload_reason_") and "{" not in text, (code, text)
    return text


def outcome(plan: Plan, name: str) -> str:
    """'accept' or 'reject', after checking either is what it should be."""
    if plan.ok:
        added = len(plan.new.get("visits", ()))
        assert plan.after["visits"] == plan.before["visits"] + added
        return "accept"
    assert plan.problems
    for problem in plan.problems:
        assert problem.file == name or name in problem.file.split(", ")
        assert_reason(problem.code, dict(problem.params))
        assert problem.line().startswith(name)
    return "reject"


def test_the_corpus_is_large_varied_and_the_same_every_time(files):
    assert len(files) >= 300
    assert corpus.corpus() == files
    assert len({data for data in files.values()}) > 290  # mutants differ from each other


def test_every_file_is_read_or_refused_with_a_reason(files):
    counts = collections.Counter()
    for name, data in files.items():
        with time_limit(LIMIT_SECONDS, name):
            try:
                table = f.read(data)
            except reading.Unreadable as error:
                assert_reason(error.code, error.params)
                assert_reason(error.code, error.params, "zh")
                counts[f"refused: {error.code}"] += 1
                continue
        assert table.headers and len(table.rows) and table.rows.index.min() >= 2, name
        assert not any("\x00" in str(v) for v in table.rows.to_numpy().ravel() if v is not None), name
        counts["read"] += 1
    print(f"\ncorpus of {len(files)} files through reading: {dict(counts)}")
    assert counts["read"] and sum(counts.values()) == len(files)
    assert counts["refused: too_many_columns"] == 1 and counts["refused: not_csv_binary"] >= 5


def test_a_sample_is_accepted_correctly_or_rejected_and_stores_nothing(files, data):
    mutants = sorted(set(files) - set(corpus.handmade()))
    sample = [*SAMPLE, *mutants[::MUTANT_SAMPLE_EVERY]]
    before = f.tree_hash(data)
    counts = collections.Counter()
    for name in sample:
        with time_limit(LIMIT_SECONDS, name):
            plan = prepare([Upload(name, files[name])], data)
        counts[outcome(plan, name)] += 1
        assert f.tree_hash(data) == before, name  # nothing is written before a confirmed commit
        if name in ("formula_payloads.csv", "rtl_override_host.csv", "script_in_names.csv", "sql_in_values.csv"):
            assert plan.ok, plan.problems  # hostile text is data: stored as written, shown as text
    print(f"\nsample of {len(sample)} through prepare: {dict(counts)}")
    assert counts["accept"] >= 4 and counts["reject"] >= 10


@pytest.mark.parametrize("name", corpus.ATTACKS)
def test_each_attack_class_ends_in_its_own_message(files, data, name):
    """The attack classes of issue 16: each is accepted, or refused with its own reason in both languages
    (never a traceback, an out-of-memory error or DuckDB's words), and nothing is stored."""
    before = f.tree_hash(data)
    with time_limit(LIMIT_SECONDS, name):
        plan = prepare([Upload(name, files[name])], data)
    expected = corpus.ATTACKS[name]
    assert [p.code for p in plan.problems] == ([expected] if expected else []), plan.problems
    assert outcome(plan, name) == ("reject" if expected else "accept")
    for problem in plan.problems:
        assert_reason(problem.code, dict(problem.params), "zh")
    assert f.tree_hash(data) == before


def test_hostile_text_is_kept_exactly(files, data):
    plan = prepare([Upload("x.csv", files["rtl_override_host.csv"])], data)
    assert plan.new["visits"]["host"][0] == "Lamp\u202eskrow"
    plan = prepare([Upload("x.csv", files["fullwidth_digits_date.csv"])], data)
    assert (plan.ok and plan.new["visits"]["visit_date"][0] == "2019-03-14") or plan.problems[0].code == "bad_date"


def test_cli_refuses_bad_files_with_file_and_reason(files, data, tmp_path, cli_env):
    paths = []
    for name in ("zip_bomb.csv", "unterminated_quote.csv", "nul_in_header.csv"):
        paths.append(f.write(tmp_path / "bad", name, files[name]))
    before = f.tree_hash(data)
    result = subprocess.run(
        [sys.executable, "-m", "innovisits", "ingest", *map(str, paths)],
        env=cli_env(data),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for name in ("zip_bomb.csv", "unterminated_quote.csv", "nul_in_header.csv"):
        assert any(line.startswith((f"{name}: ", f"{name}, row ")) for line in result.stderr.splitlines()), name
    assert "nothing stored" in result.stderr
    assert f.tree_hash(data) == before


CSV_CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def csv_files(draw) -> bytes:
    """A header from the real formats (sometimes garbled) and rows of arbitrary text cells."""
    headers = draw(st.sampled_from([f.REPORT, f.VISITS, f.PARTICIPANTS, f.VISIT_TECHNOLOGIES])).split("\n")[0]
    names = headers.split(",")
    if draw(st.booleans()):
        names = draw(st.lists(st.sampled_from([*names, "x", ""]), min_size=1, max_size=12))
    rows = draw(st.lists(st.lists(CSV_CELL, min_size=0, max_size=len(names) + 2), max_size=6))
    text = ",".join(names) + "\n" + "\n".join(",".join(row) for row in rows)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp950"])), errors="replace")


@pytest.fixture(scope="module")
def fuzz_data(tmp_path_factory) -> Path:
    """One directory for every example (hypothesis runs a function-scoped fixture only once anyway)."""
    return known_data.build(tmp_path_factory.mktemp("fuzz") / "data", "csv")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.one_of(csv_files(), st.binary(max_size=400)))
def test_fuzzed_uploads_are_accepted_or_refused(fuzz_data, data):
    directory = fuzz_data
    before = f.tree_hash(directory)
    with time_limit(LIMIT_SECONDS, "fuzzed file"):
        plan = prepare([Upload("fuzz.csv", data)], directory)
    outcome(plan, "fuzz.csv")
    assert f.tree_hash(directory) == before


@pytest.mark.slow
def test_a_200_mb_single_line_is_refused_with_bounded_memory(tmp_path, data, cli_env):
    """Generated here, never committed: a 200 MB line with no line end, through the CLI in a subprocess."""
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as out:
        out.write(b"visit_id,visit_date,city,host,visit_type,title,notes\nK9,2019-01-01,Shenzhen,")
        block = b"A" * (1 << 20)
        for _ in range(200):
            out.write(block)
    before = f.tree_hash(data)
    process = subprocess.Popen(
        [sys.executable, "-m", "innovisits", "ingest", str(huge)],
        env=cli_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, stderr = process.communicate(timeout=240)
    finally:
        process.kill()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss >> 10
    print(f"\n200 MB single line: exit {process.returncode}, peak RSS of a child {peak_mb} MB")
    assert process.returncode == 1 and "huge.csv: the file is larger than the 50 MB limit" in stderr
    assert peak_mb < 1024  # the file (200 MB) once in memory plus the interpreter, never a copy per stage
    assert f.tree_hash(data) == before
