"""The production files in deploy/ agree with each other and with the app: one upload limit everywhere, the
production Streamlit settings never contradict the app's own, the CSP allows exactly Streamlit's inline
script, and Debian's nginx accepts the site file as shipped."""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import streamlit

from innovisits.ui.auth import COOKIE_SCRIPT

PROJECT = Path(__file__).resolve().parents[2]
DEPLOY = PROJECT / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Streamlit accepts an upload body up to maxUploadSize MB plus 1 MB for multipart framing
# (streamlit/web/server/starlette/starlette_routes.py, _MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES).
MULTIPART_MARGIN_MB = 1


def toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def flat(settings: dict) -> dict[str, object]:
    return {f"{section}.{key}": value for section, values in settings.items() for key, value in values.items()}


PRODUCTION = flat(toml(DEPLOY / "streamlit" / "config.toml"))
APP = flat(toml(PROJECT / ".streamlit" / "config.toml"))
PROXY = (DEPLOY / "nginx" / "innovisits-proxy.conf").read_text(encoding="utf-8")


def test_one_upload_limit_for_streamlit_and_nginx():
    body = re.search(r"^client_max_body_size (\d+)m;", PROXY, re.M)
    assert body, "innovisits-proxy.conf sets client_max_body_size in megabytes"
    assert PRODUCTION["server.maxUploadSize"] == APP["server.maxUploadSize"] == 50
    assert int(body.group(1)) == PRODUCTION["server.maxUploadSize"] + MULTIPART_MARGIN_MB


def test_production_settings_never_contradict_the_apps_own():
    """Streamlit reads the app's .streamlit/config.toml after the production one, so a key in both must agree."""
    shared = PRODUCTION.keys() & APP.keys()
    assert {k: PRODUCTION[k] for k in shared} == {k: APP[k] for k in shared}
    assert {"server.headless", "server.maxUploadSize", "browser.gatherUsageStats"} <= shared


# Every option as Streamlit resolves it, hidden ones too (`streamlit config show` leaves those out).
SHOW_ALL = (
    "import json; from streamlit import config; "
    "print(json.dumps({k: o.value for k, o in config.get_config_options().items()}, default=str))"
)


def effective(home: Path) -> dict[str, object]:
    """Streamlit's settings for a process whose HOME is `home` and working directory `home`, as the replicas run."""
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_ALL],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(home)},
        cwd=home,
        timeout=60,
        check=True,
    ).stdout
    return json.loads(shown)


def test_streamlit_reads_the_production_settings_from_home(tmp_path):
    """The unit's HOME (/var/lib/innovisits, whose .streamlit links to /etc/innovisits) and run-local.sh's own
    home hold the production file as ~/.streamlit/config.toml: Streamlit takes its settings from there."""
    (tmp_path / ".streamlit").mkdir()
    shutil.copy(DEPLOY / "streamlit" / "config.toml", tmp_path / ".streamlit" / "config.toml")
    got = effective(tmp_path)
    assert {k: got[k] for k in PRODUCTION} == PRODUCTION
    assert got["client.showErrorDetails"] == "none"  # not Streamlit's default ("full")
    unit = (DEPLOY / "systemd" / "innovisits@.service").read_text(encoding="utf-8")
    assert "Environment=HOME=/var/lib/innovisits\n" in unit


def test_production_settings_are_hardened():
    assert PRODUCTION["server.headless"] is True
    assert PRODUCTION["browser.gatherUsageStats"] is False
    assert PRODUCTION["server.enableXsrfProtection"] is True
    assert PRODUCTION["server.address"] == "127.0.0.1"
    assert PRODUCTION["client.showErrorDetails"] == "none"


def test_csp_allows_exactly_the_inline_scripts_of_the_installed_streamlit_and_the_sign_in_cookie():
    index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    inline = [*re.findall(r"<script>(.*?)</script>", index, re.S), COOKIE_SCRIPT]
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline}
    script_src = re.search(r"script-src ([^;]+);", PROXY).group(1).split()
    assert set(script_src) == {"'self'", *hashes}, "an inline script changed: update the CSP hash"
    csp = re.search(r'Content-Security-Policy "([^"]+)"', PROXY).group(1)
    assert "frame-ancestors 'none'" in csp and "'unsafe-eval'" not in csp and "default-src 'self'" in csp


def test_the_production_site_passes_nginx_config_test(tmp_path):
    """`nginx -t` on the site file as shipped, inside an http block as Debian's nginx.conf includes it."""
    conf = tmp_path / "conf"
    (conf / "snippets").mkdir(parents=True)
    for name in ("innovisits-http.conf", "innovisits-proxy.conf"):
        shutil.copy(DEPLOY / "nginx" / name, conf / "snippets" / name)
    site = (DEPLOY / "nginx" / "innovisits.conf").read_text(encoding="utf-8")
    (conf / "innovisits.conf").write_text(site.replace("/var/log/nginx/", f"{tmp_path}/"), encoding="utf-8")
    (conf / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include innovisits.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_replicas_only_listen_on_loopback_and_take_their_port_from_the_instance():
    unit = (DEPLOY / "systemd" / "innovisits@.service").read_text(encoding="utf-8")
    exec_start = re.search(r"^ExecStart=(.+)$", unit, re.M).group(1)
    assert "--server.port %i" in exec_start and "--server.address 127.0.0.1" in exec_start
    site = (DEPLOY / "nginx" / "innovisits.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream innovisits \{(.*?)\}", site, re.S).group(1)
    assert re.findall(r"server (\S+);", upstream) == ["127.0.0.1:8501", "127.0.0.1:8502"]
    assert "hash $innovisits_route consistent;" in upstream
    run_local = (DEPLOY / "run-local.sh").read_text(encoding="utf-8")
    assert r"hash \$innovisits_route consistent;" in run_local  # the same balancing as production


def test_example_secrets_hold_no_secret():
    text = (DEPLOY / "secrets.example.toml").read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"staff": {"accounts": {}}}  # every entry is commented out
    assert "PRIVATE KEY" not in text


@pytest.mark.parametrize("script", ["deploy/run-local.sh", "scripts/system-deps.sh"])
def test_shell_scripts_parse(script):
    assert subprocess.run(["bash", "-n", str(PROJECT / script)], capture_output=True).returncode == 0
