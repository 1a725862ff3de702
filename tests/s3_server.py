"""A real S3 API on loopback for the tests: moto's server in its own process (as MinIO or a cloud bucket
would be), driven only through the standard AWS settings the application reads."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import s3fs


class S3Server:
    """moto_server on 127.0.0.1 at a free port; `env` holds the settings that point a process at it."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=2).close()
                break
            except OSError:
                assert self.process.poll() is None, "moto_server stopped while starting"
                assert time.monotonic() < deadline, "moto_server not answering in 60 s"
                time.sleep(0.05)
        self.env = {
            "AWS_ACCESS_KEY_ID": "innovisits-test",
            "AWS_SECRET_ACCESS_KEY": "innovisits-test-secret",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": self.endpoint,
        }
        self.fs = s3fs.S3FileSystem(
            key=self.env["AWS_ACCESS_KEY_ID"],
            secret=self.env["AWS_SECRET_ACCESS_KEY"],
            endpoint_url=self.endpoint,
            use_listings_cache=False,
            skip_instance_cache=True,
        )

    def bucket(self, name: str, source: Path | None = None) -> str:
        """A new bucket, holding a copy of `source` (a data directory) under the prefix `data`; its URL."""
        self.fs.mkdir(name)
        url = f"s3://{name}/data"
        if source is not None:
            for path in sorted(p for p in source.rglob("*") if p.is_file()):
                self.fs.put_file(str(path), f"{name}/data/{path.relative_to(source)}")
        return url

    def keys(self, url: str) -> list[str]:
        """Every object under a URL, relative to it."""
        prefix = url.removeprefix("s3://")
        return sorted(k[len(prefix) + 1 :] for k in self.fs.find(prefix))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
