"""The production layout as it runs: deploy/run-local.sh starts nginx and two Streamlit replicas over one
data directory (the known data set), once for this module; a real Chromium reads the Overview through nginx
and through each replica. Tests run in file order on one worker and end by stopping the layout."""

import gzip
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, Page, expect, sync_playwright

from innovisits import i18n
from innovisits.bench.browser import CHROMIUM, CHROMIUM_ARGS, wait_drawn
from innovisits.ui.auth import COOKIE
from tests import known_data

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("deploy")]

PROJECT = Path(__file__).resolve().parents[2]
KNOWN = {"Visits": 4, "Delegates": 10, "Departments": 4, "Cities": 3}
STAFF_PASSWORD = "a deploy test passphrase"  # a dummy account only in the test layout's secrets
WITH_BATCH = {k.capitalize(): v for k, v in known_data.WITH_BATCH.items()}


def free_ports(count: int) -> int:
    """A port such that it and the next `count - 1` are free on loopback."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count < 65536 and all(_free(base + i) for i in range(count)):
            return base
    raise RuntimeError("no free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Layout:
    def __init__(self, root: Path, data: Path | str | None = None, env: dict[str, str] | None = None) -> None:
        """Start run-local.sh over `data` (default: the known data set in a new directory) with `env` added."""
        self.data = data or known_data.build(root / "data", "csv")
        self.run = root / "run"
        # One staff account, in the replicas' ~/.streamlit/secrets.toml (run-local.sh keeps the file it finds),
        # unless the caller wrote its own there.
        secrets = self.run / "home" / ".streamlit" / "secrets.toml"
        if not secrets.exists():
            secrets.parent.mkdir(parents=True)
            secrets.write_text(f'[staff.accounts]\ntester = "{PasswordHasher().hash(STAFF_PASSWORD)}"\n')
        self.port = free_ports(3)
        self.replicas = [self.port + 1, self.port + 2]
        self.output = root / "run-local.out"
        self.env = {**os.environ, **(env or {}), "PYTHON": sys.executable}
        env = {**self.env, "INNOVISITS_DATA_DIR": str(self.data), "INNOVISITS_RUN_DIR": str(self.run)}
        with self.output.open("w") as out:
            self.process = subprocess.Popen(
                ["bash", str(PROJECT / "deploy" / "run-local.sh"), str(self.port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + 180
        while "ready:" not in self.output.read_text():
            assert self.process.poll() is None, self.output.read_text()
            assert time.monotonic() < deadline, "run-local.sh not ready in 180 s"
            time.sleep(0.2)

    def url(self, port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.port}/"

    def access_log(self) -> list[str]:
        return (self.run / "logs" / "access.log").read_text().splitlines()

    def cli(self, *args: str, data: Path | None = None) -> subprocess.CompletedProcess:
        env = {**self.env, "INNOVISITS_DATA_DIR": str(data or self.data), "PYTHONPATH": str(PROJECT)}
        return subprocess.run(
            [sys.executable, "-m", "innovisits", *args], capture_output=True, text=True, env=env, timeout=120
        )

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    started = Layout(tmp_path_factory.mktemp("layout"))
    yield started
    if started.process.poll() is None:  # a test failed before the stop test: leave nothing running
        os.killpg(started.process.pid, signal.SIGTERM)
        started.process.wait(timeout=60)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def overview(page: Page, url: str) -> dict[str, int]:
    """Open the dashboard and read the four Overview numbers a person sees, once they are the newest: a
    replica that finds a newer version serves the one before it, saying new data is arriving, until the newer
    one is built, then draws the page again by itself."""
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_test_id("stMetricValue").nth(3).wait_for(timeout=90_000)
    expect(page.get_by_text(i18n.t("data_arriving", "en"))).to_have_count(0, timeout=90_000)
    wait_drawn(page, 90_000)
    metrics = page.get_by_test_id("stMetric").all()
    return {
        m.get_by_test_id("stMetricLabel").inner_text().strip(): int(m.get_by_test_id("stMetricValue").inner_text())
        for m in metrics
    }


def test_the_dashboard_works_through_nginx(layout, browser: Browser):
    """Numbers only arrive over Streamlit's websocket, so reading them proves the upgrade through nginx."""
    page = browser.new_page()
    violations, sockets = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("websocket", lambda ws: sockets.append(ws.url))
    assert overview(page, layout.url()) == KNOWN
    assert sockets == [f"ws://127.0.0.1:{layout.port}/_stcore/stream"]
    assert violations == []  # the CSP lets Streamlit work as it is
    page.close()  # nginx logs a websocket when it closes
    replica = {f"upstream=127.0.0.1:{p}" for p in layout.replicas}
    streams = wait_for(lambda: [line for line in layout.access_log() if '"GET /_stcore/stream"' in line])
    assert all(" 101 " in line and replica & set(line.split()) for line in streams), streams


def test_a_staff_sign_in_survives_a_reload_through_nginx(layout, browser: Browser):
    """The sign-in cookie's script runs under the production CSP (its hash is allowed), so a reload, which may
    reach the other replica, keeps the staff member signed in."""
    context = browser.new_context()
    page = context.new_page()
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    overview(page, layout.url())
    page.get_by_role("link", name="Staff sign-in").click()
    page.get_by_role("textbox", name="Account").fill("tester")
    page.get_by_role("textbox", name="Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as tester.").wait_for(timeout=90_000)
    wait_for(lambda: COOKIE in [c["name"] for c in context.cookies()], seconds=30)
    overview(page, layout.url())
    page.get_by_role("link", name="Upload data").wait_for(timeout=90_000)
    assert violations == []
    context.close()


def wait_for(found, seconds: float = 10):
    """`found()` once it is truthy (polling), so a test waits for logs instead of sleeping blindly."""
    deadline = time.monotonic() + seconds
    while not (result := found()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert result, "not found in time"
    return result


def test_health_and_security_headers_through_nginx(layout):
    with urllib.request.urlopen(layout.url() + "healthz", timeout=10) as response:
        assert response.status == 200 and response.read() == b"ok"
        headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Server"] == "nginx"  # no version


def test_scripts_are_compressed_through_nginx(layout):
    with urllib.request.urlopen(layout.url(), timeout=10) as response:
        script = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', response.read().decode()).group(1)
    request = urllib.request.Request(layout.url() + script, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        body = response.read()
    assert len(gzip.decompress(body)) > 2 * len(body)  # 480 KB -> 173 KB here


def put_upload(layout, length: int, body: bytes | None) -> int:
    """The status of a PUT to Streamlit's upload route through nginx with this Content-Length."""
    connection = http.client.HTTPConnection("127.0.0.1", layout.port, timeout=60)
    connection.putrequest("PUT", "/_stcore/upload_file/no-session/no-file")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(length))
    connection.endheaders(body)
    status = connection.getresponse().status
    connection.close()
    return status


def test_nginx_passes_the_largest_upload_streamlit_takes(layout):
    """A file of exactly the limit in its multipart body reaches Streamlit (which refuses it for having no
    session, not for its size); a body over Streamlit's own cap (limit + 1 MB framing) is refused by nginx."""
    settings = tomllib.loads((PROJECT / "deploy" / "streamlit" / "config.toml").read_text(encoding="utf-8"))
    limit = settings["server"]["maxUploadSize"] * 1024 * 1024
    assert put_upload(layout, limit + 500, b"\0" * (limit + 500)) not in (413, 502)
    assert put_upload(layout, limit + 1024 * 1024 + 1, None) == 413


def routed_to(layout, route: str, times: int) -> set[str]:
    """The replicas that served `times` sequential requests carrying one routing cookie."""
    before = len(layout.access_log())
    for _ in range(times):
        request = urllib.request.Request(layout.url() + "healthz", headers={"Cookie": f"innovisits_route={route}"})
        urllib.request.urlopen(request, timeout=10).close()

    # nginx writes a request's line once it has finished it, which can be just after the client has the answer
    def served() -> list[str]:
        return [x for x in layout.access_log()[before:] if '"GET /healthz"' in x]  # not a closing websocket

    lines = wait_for(lambda: found if len(found := served()) >= times else [])
    assert len(lines) == times
    return {word for line in lines for word in line.split() if word.startswith("upstream=")}


def test_sessions_stick_to_one_replica_and_spread_over_both(layout):
    routes = [routed_to(layout, f"browser-{i}", 3) for i in range(12)]
    assert all(len(r) == 1 for r in routes), routes  # every request of a browser to the same replica
    assert set().union(*routes) == {f"upstream=127.0.0.1:{p}" for p in layout.replicas}


def test_access_log_holds_no_client_address_or_query_string(layout):
    before = len(layout.access_log())
    urllib.request.urlopen(layout.url() + "?city=Shenzhen&lang=zh", timeout=10).close()
    line = wait_for(lambda: next((x for x in layout.access_log()[before:] if '"GET /' in x and "healthz" not in x), ""))
    assert '"GET /"' in line and "Shenzhen" not in line
    addresses = [w for w in line.split() if w.startswith("127.0.0.1") and not w.startswith("upstream=")]
    assert addresses == []


def test_new_data_through_one_replica_is_seen_through_the_other(layout, browser: Browser, tmp_path):
    """Replica B shows the known numbers; a batch arrives through the ingest CLI; B's next run shows it, so
    does A."""
    replica_a, replica_b = layout.replicas
    page = browser.new_page()
    assert overview(page, layout.url(replica_b)) == KNOWN
    stored = layout.cli("ingest", *map(str, known_data.write_batch(tmp_path, known_data.BATCH, "upload")))
    assert stored.returncode == 0, stored.stderr
    assert overview(page, layout.url(replica_b)) == WITH_BATCH
    assert overview(page, layout.url(replica_a)) == WITH_BATCH
    page.close()


def ingest(layout, files: list[Path]) -> subprocess.Popen:
    env = {**os.environ, "INNOVISITS_DATA_DIR": str(layout.data), "PYTHONPATH": str(PROJECT)}
    command = [sys.executable, "-m", "innovisits", "ingest", *map(str, files)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_two_uploads_at_once_lose_nothing(layout, browser: Browser, tmp_path):
    """Two ingests started together (two staff members on two replicas): each is stored or refused with a
    message, never both refused, and both replicas then show the known data plus exactly the stored batches."""
    runs = [
        ingest(layout, known_data.write_batch(tmp_path / name, batch, name))
        for name, batch in (("k6", known_data.BATCH_2), ("k7", known_data.BATCH_3))
    ]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    for code, out, err in results:
        assert (code == 0 and out) or (code != 0 and err.strip() and "Traceback" not in err), (code, out, err)
    stored = tuple(code == 0 for code, _, _ in results)
    expected = {
        (True, True): known_data.WITH_ALL_BATCHES,
        (True, False): known_data.WITH_BATCH_AND_2,
        (False, True): known_data.WITH_BATCH_AND_3,
    }[stored]
    page = browser.new_page()
    for replica in layout.replicas:
        shown = overview(page, layout.url(replica))
        assert shown == {k.capitalize(): v for k, v in expected.items()}, (
            replica,
            results,
            layout.cli("history").stdout,
        )
    page.close()


def test_backup_of_the_live_directory_restores_the_same_numbers(layout, tmp_path):
    archive, target = tmp_path / "live.tar.gz", tmp_path / "restored"
    made = layout.cli("backup", "--out", str(archive))
    assert made.returncode == 0, made.stderr
    restored = layout.cli("restore", str(archive), "--into", str(target))
    assert restored.returncode == 0, restored.stderr
    live, back = (json.loads(layout.cli("summary", "--json", data=d).stdout) for d in (layout.data, target))
    assert {k: back[k] for k in known_data.WITH_BATCH} == {k: live[k] for k in known_data.WITH_BATCH}


def test_run_local_stops_everything_on_sigterm(layout):
    master = int((layout.run / "nginx.pid").read_text())
    assert layout.stop() == 143
    assert not any(listening(p) for p in [layout.port, *layout.replicas])
    with pytest.raises(ProcessLookupError):
        os.kill(master, 0)
