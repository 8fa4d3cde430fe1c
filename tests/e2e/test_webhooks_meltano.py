"""The Meltano wiring of issue 13, as a user runs it in a copy of the project: the
commerce-webhooks utility (`meltano invoke commerce-webhooks:serve`, its secret given as the
sensitive setting and handed to the receiver as ZOOM_WEBHOOK_SECRET_TOKEN), then the zoom-events
job (tap-zoom-commerce-events, webhook_events only, no credentials) into the warehouse."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import duckdb
from webhook_helpers import SECRET, post, quote_event, signed

from commerce_harness.pipeline import BIN
from commerce_webhooks.process import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]


def test_the_utility_receives_and_the_zoom_events_job_loads_the_warehouse(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "meltano.yml", project / "meltano.yml")
    spool, warehouse, port = tmp_path / "spool.db", tmp_path / "warehouse.duckdb", free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MELTANO_")}
    env.pop("ZOOM_WEBHOOK_SECRET_TOKEN", None)
    env.update(
        PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}",
        COMMERCE_WEBHOOKS_SECRET_TOKEN=SECRET,
        COMMERCE_WEBHOOKS_PORT=str(port),
        COMMERCE_WEBHOOKS_SPOOL=str(spool),
        TAP_ZOOM_COMMERCE_EVENTS_WEBHOOK_SPOOL=str(spool),
        TARGET_COMMERCE_DUCKDB_DATABASE=str(warehouse),
    )
    log = tmp_path / "receiver.log"
    with log.open("w") as output:
        receiver = subprocess.Popen(
            [str(BIN / "meltano"), "invoke", "commerce-webhooks:serve"],
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: meltano and the receiver stop together
        )
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", receiver, timeout=120)
        bodies = [quote_event(index) for index in range(5)]
        for body in bodies:
            answer = post(f"http://127.0.0.1:{port}/webhooks/zoom", body, signed(body))
            assert answer.status_code == 200
    finally:
        os.killpg(receiver.pid, signal.SIGTERM)
        receiver.wait(timeout=60)
    assert SECRET not in log.read_text()

    run = subprocess.run(
        [str(BIN / "meltano"), "run", "zoom-events"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute("SELECT event_id FROM zoom.webhook_events").fetchall()
    assert {event_id for (event_id,) in rows} == {json.loads(body)["event_id"] for body in bodies}
