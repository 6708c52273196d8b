"""stairload import har: a recording of real requests becomes steps that run on the real target."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from har_recorder import HarRecorder

from capacity.config import load_scenarios
from stairload.cli.importer import main
from stairload.journeys.blocking import BlockingClient
from stairload.journeys.load import parse_journey
from stairload.journeys.runner import JourneyRunner
from stairload.target.testing import login, start_target

ROOT = Path(__file__).resolve().parents[2]
STATIC = {
    "/app.js": ("application/javascript", b"console.log('app');"),
    "/style.css": ("text/css", b"body{margin:0}"),
    "/fonts/inter.woff2": ("font/woff2", b"wOF2fake"),
    "/logo": ("image/png", b"\x89PNG\r\n\x1a\nfake"),  # no extension: its MIME type tells
}


class _StaticHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        mime, body = STATIC.get(self.path, ("text/plain", b"missing"))
        self.send_response(200 if self.path in STATIC else 404)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture(scope="module")
def static_url() -> Iterator[str]:
    """A second origin on loopback serving a page's assets."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StaticHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def target_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with start_target(tmp_path_factory.mktemp("target"), users=5) as url:
        yield url


@pytest.fixture(scope="module")
def recording(target_url: str, static_url: str) -> tuple[dict, dict[str, str]]:
    """A plan-status visit recorded from real requests, with the page's assets around it."""
    har = HarRecorder()
    har.send(f"{static_url}/app.js")
    har.send(f"{static_url}/style.css")
    _, session = har.send(
        f"{target_url}/login",
        "POST",
        json_body={"username": "user1", "password": "password1"},
    )
    bearer = {"Authorization": f"Bearer {session['token']}"}
    _, trips = har.send(f"{target_url}/trips", headers=bearer, query={"limit": "10"})
    har.send(f"{static_url}/logo")
    har.send(f"{static_url}/fonts/inter.woff2")
    har.send(f"{target_url}/favicon.ico")
    trip = trips["trips"][0]["id"]
    har.send(f"{target_url}/trips/{trip}", headers=bearer)
    time.sleep(0.4)  # the user reads the trip
    har.send(f"{target_url}/trips/{trip}/plans", headers=bearer)
    _, plan = har.send(
        f"{target_url}/trips/{trip}/plans",
        "POST",
        headers=bearer,
        json_body={"day": 1, "title": "Recorded plan", "latitude": 37.5, "longitude": 127.0},
    )
    har.send(f"{target_url}/trips/{trip}/plans/{plan['id']}", headers=bearer)
    har.send(f"{target_url}/trips/{trip}/plans/{plan['id']}", "DELETE", headers=bearer)
    har.send(f"{target_url}/trips/{trip}/days/1/plans", headers=bearer)
    return har.har(), {"token": session["token"]}


def _import(tmp_path: Path, har: dict, *extra: str) -> tuple[int, dict, str, str]:
    har_file = tmp_path / "visit.har"
    har_file.write_text(json.dumps(har), encoding="utf-8")
    out = tmp_path / "scenarios-snippet.yaml"
    code = main(["har", str(har_file), "--scenario", "recorded", "--out", str(out), *extra])
    text = out.read_text(encoding="utf-8") if out.exists() else ""
    snippet = yaml.safe_load(text) if text else {}
    return code, snippet, text, str(har_file)


@pytest.mark.integration
def test_one_step_per_request_to_the_recorded_origin(tmp_path, recording, capsys):
    """Eight API calls kept in order; assets, the favicon and the other origin left out."""
    code, snippet, _, _ = _import(tmp_path, recording[0])
    assert code == 0
    steps = snippet["scenarios"]["recorded"]["steps"]
    assert [step["request"] for step in steps] == [
        "POST /login",
        "GET /trips",
        "GET /trips/{trip_id}",
        "GET /trips/{trip_id}/plans",
        "POST /trips/{trip_id}/plans",
        "GET /trips/{trip_id}/plans/{plan_id}",
        "DELETE /trips/{trip_id}/plans/{plan_id}",
        "GET /trips/{trip_id}/days/1/plans",
    ]
    out = capsys.readouterr().out
    assert "8 steps from http://127.0.0.1:" in out
    left_out = [line for line in out.splitlines() if line.startswith("left out: ")]
    assert len(left_out) == 5
    assert any(line.endswith("/app.js (static asset: application/javascript)") for line in left_out)
    assert any(line.endswith("/logo (static asset: image/png)") for line in left_out)
    assert any(line.endswith("/favicon.ico (static asset: *.ico)") for line in left_out)


@pytest.mark.integration
def test_captures_are_found_for_the_user(tmp_path, recording, capsys):
    """The token, the trip id and the new plan's id become captures on the steps that got them."""
    _, snippet, _, _ = _import(tmp_path, recording[0])
    steps = snippet["scenarios"]["recorded"]["steps"]
    assert steps[0]["capture"] == {"token": "token"}
    assert steps[1]["capture"] == {"trip_id": "trips[0].id"}
    assert steps[4]["capture"] == {"plan_id": "id"}
    assert steps[1]["query"] == {"limit": "10"}
    assert steps[1]["headers"] == {"Authorization": "Bearer {token}"}
    assert steps[0]["json"] == {"username": "user1", "password": "password1"}
    assert steps[4]["json"] == {
        "day": 1,
        "title": "Recorded plan",
        "latitude": 37.5,
        "longitude": 127.0,
    }
    assert [step.get("expect") for step in steps] == [
        {"status": s}
        for s in (200,) * 4
        + (
            201,
            200,
            204,
            200,
        )
    ]


@pytest.mark.integration
def test_think_time_comes_from_the_recorded_gaps(tmp_path, recording, capsys):
    """The 0.4 s pause after reading the trip is that step's think time."""
    _, snippet, _, _ = _import(tmp_path, recording[0])
    steps = snippet["scenarios"]["recorded"]["steps"]
    assert 0.4 <= steps[2]["think_seconds"] <= 0.6


@pytest.mark.integration
def test_no_recorded_secret_is_written(tmp_path, recording, capsys):
    """The recorded token and cookie appear neither in the file nor on the console."""
    _, _, text, _ = _import(tmp_path, recording[0])
    console = capsys.readouterr()
    for secret in (recording[1]["token"], "recorded-cookie-value"):
        assert secret not in text
        assert secret not in console.out + console.err
    assert "Mozilla" not in text  # browser headers are dropped
    assert (  # the cookie's name is said, not its value
        "note: headers not kept (values not written): cookie; add them under headers: if the "
        "service needs them"
    ) in console.out.splitlines()
    assert (
        "note: Authorization of steps 2, 3, 4, 5, 6, 7, 8 sends {token}, captured from an "
        "earlier response (the recorded value was not written)"
    ) in console.out.splitlines()


@pytest.mark.integration
def test_the_snippet_loads_with_the_journey_loader_and_capacity_validation(
    tmp_path, recording, capsys
):
    """parse_journey compiles it; pasted into scenarios.yaml, the whole file loads."""
    _, snippet, text, source = _import(tmp_path, recording[0])
    scenario = snippet["scenarios"]["recorded"]
    journey = parse_journey(scenario, source=source, scenario_name="recorded", base_dir=tmp_path)
    assert len(journey.steps) == 8
    project = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
    body = text.split("scenarios:\n", 1)[1]
    merged = project.replace("scenarios:\n", "scenarios:\n" + body, 1)
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(merged, encoding="utf-8")
    assert load_scenarios(scenarios).scenario("recorded").requests_per_user_per_day == 8


@pytest.mark.integration
def test_the_imported_journey_runs_on_the_real_target(tmp_path, recording, target_url, capsys):
    """Five passes of the imported journey against the target: no failed request."""
    _, snippet, _, source = _import(tmp_path, recording[0])
    scenario = snippet["scenarios"]["recorded"]
    journey = parse_journey(scenario, source=source, scenario_name="recorded", base_dir=tmp_path)
    seen: list[tuple[str, str, str | None]] = []
    client = BlockingClient(target_url, on_request=lambda m, n, _ms, r: seen.append((m, n, r)))
    runner = JourneyRunner(journey, client, vu=1, sleep=lambda _seconds: None)
    for _ in range(5):
        assert runner.run() is None
    client.close()
    assert len(seen) == 5 * 8
    assert [reason for _m, _n, reason in seen if reason] == []


@pytest.mark.integration
def test_an_authorization_no_response_gave_becomes_a_variable(tmp_path, target_url, capsys):
    """A token from outside the recording is not written: {auth_token} and a vars entry."""
    token = login(target_url, 2)
    har = HarRecorder()
    har.send(f"{target_url}/trips", headers={"Authorization": f"Bearer {token}"})
    code, snippet, text, _ = _import(tmp_path, har.har())
    assert code == 0
    scenario = snippet["scenarios"]["recorded"]
    assert scenario["vars"] == {"auth_token": "FILL IN"}
    assert scenario["steps"][0]["headers"] == {"Authorization": "Bearer {auth_token}"}
    assert token not in text
    out = capsys.readouterr().out
    assert token not in out
    assert "the recorded Authorization value was not written; set vars.auth_token" in out


@pytest.mark.integration
def test_keep_static_keeps_the_assets(tmp_path, recording, static_url, capsys):
    """--origin the assets' origin with --keep-static: the four assets become steps."""
    code, snippet, _, _ = _import(tmp_path, recording[0], "--origin", static_url, "--keep-static")
    assert code == 0
    steps = snippet["scenarios"]["recorded"]["steps"]
    assert [step["request"] for step in steps] == [
        "GET /app.js",
        "GET /style.css",
        "GET /logo",
        "GET /fonts/inter.woff2",
    ]


@pytest.mark.integration
def test_an_origin_of_static_assets_only_leaves_nothing(tmp_path, recording, static_url, capsys):
    """Without --keep-static nothing is left of that origin: one Error line, exit 2."""
    code, _, _, source = _import(tmp_path, recording[0], "--origin", static_url)
    assert code == 2
    assert capsys.readouterr().err == (
        f"Error: {source}: log.entries: no request left to import (all left out)\n"
    )


@pytest.mark.integration
def test_the_imported_scenario_climbs_a_stair_with_no_failure(tmp_path, recording, capsys):
    """stairload run of the imported scenario at time scale 0.05: no failed request."""
    import subprocess
    import sys

    _, _, text, _ = _import(tmp_path, recording[0])
    project = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")
    merged = project.replace("scenarios:\n", "scenarios:\n" + text.split("scenarios:\n")[1], 1)
    scenarios = tmp_path / "scenarios.yaml"
    scenarios.write_text(merged, encoding="utf-8")
    run_dir = tmp_path / "run"
    stairload = Path(sys.executable).parent / "stairload"
    command = [str(stairload), "run", "recorded", "--scenarios", str(scenarios)]
    command += ["--time-scale", "0.05", "--workers", "0", "--run-dir", str(run_dir)]
    subprocess.run(command, cwd=tmp_path, capture_output=True, timeout=300, check=False)
    summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    measured = [step for step in summary["steps"] if step["requests"]]
    assert measured, summary["steps"]
    assert sum(step["failures"] for step in measured) == 0
    assert sum(step["requests"] for step in measured) > 8
