"""A redis-server of the test's own, on a free port, that a test can stop and restart.

Its snapshot (``dump.rdb``) is written to the test's folder only when the test asks
(``SAVE``), and read back when the server starts again, as a restarted or failed-over
Redis does in production.
"""

import shutil
import subprocess
import time

import pytest
import redis

from tests.nginx import free_port


class RedisServer:
    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
        self.process = subprocess.Popen(
            [
                *(binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.folder), "--dbfilename", "dump.rdb"),
                # Snapshots only when the test says SAVE; no append-only file.
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.02)

    def client(self):
        return redis.Redis.from_url(self.url, socket_timeout=1)

    def save(self):
        """Writes the snapshot the next start reads."""
        self.client().save()

    def stop(self):
        """Stops at once, without writing a snapshot (as a crash would)."""
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    def restart_from_snapshot(self):
        self.stop()
        self.start()

    def key_count(self):
        return self.client().dbsize()
