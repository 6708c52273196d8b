"""Issue 23, item 4 (part): readers that a hostile file cannot crash, each refusal one line.

run.json of random bytes or nested 100,000 deep, a JMESPath expression nested 500 deep,
data files that are a FIFO, a device or carry a byte-order mark: through the real
commands (``stairload report build``, ``capacity table``), exit 2 and one line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from capacity.cli import main as capacity_main
from stairload.cli.report import main as report_main

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (ROOT / "scenarios.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (os.urandom(4096) + b"\xff\xfe", "run.json: not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "run.json: nested more than 32 levels deep"),
        (b'{"schema": 1, "x": ' + b"[" * 500 + b"]" * 500 + b"}", "run.json: nested more "
         "than 32 levels deep"),
    ],
    ids=["random bytes", "nested 100,000 deep", "nested 500 deep in a field"],
)  # fmt: skip
def test_a_hostile_run_json_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    """stairload report build refuses it with one line and exit 2, no traceback."""
    (tmp_path / "run.json").write_bytes(content)
    assert report_main(["build", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"Error: {message}\n"


def _scenarios_with(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    path = tmp_path / "scenarios.yaml"
    path.write_text(edit(SOURCE), encoding="utf-8")
    return path


def test_a_jmespath_check_nested_500_deep_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A check of 500 nested parentheses: one line naming the field, exit 2."""
    deep = "(" * 500 + "token" + ")" * 500
    path = _scenarios_with(
        tmp_path, lambda text: text.replace('checks: ["token"]', f'checks: ["{deep}"]')
    )
    assert capacity_main(["table", "--scenarios", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"Error: {path}: scenarios.scenario1.steps[0].expect.checks[0]: nested 500 deep; "
        "at most 50 levels are allowed (got '((((("
    )
    assert err.count("\n") == 1


def _data_scenario(tmp_path: Path, data_file: str) -> Path:
    return _scenarios_with(
        tmp_path,
        lambda text: text.replace(
            "    vars: *trip_planner_user\n    headers: *bearer\n    steps:\n      - *login\n"
            "      - *list_trips\n      - *get_trip\n      - request: GET /trips/{trip_id}/plans",
            f"    vars: *trip_planner_user\n    data: {{file: {data_file}, pick: sequential}}\n"
            "    headers: *bearer\n    steps:\n      - *login\n      - *list_trips\n"
            "      - *get_trip\n      - request: GET /trips/{trip_id}/plans",
        ),
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: os.mkfifo(path), "is not a regular file (a FIFO, device or directory "
         "cannot be read)"),
    ],
    ids=["a FIFO"],
)  # fmt: skip
def test_a_data_file_that_is_not_a_regular_file_is_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make: Callable[[Path], None],
    message: str,
) -> None:
    """capacity table does not hang or fill memory: one line naming data.file, exit 2."""
    make(tmp_path / "rows.csv")
    path = _data_scenario(tmp_path, "rows.csv")
    assert capacity_main(["table", "--scenarios", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"Error: {path}: scenarios.scenario3.data.file: {message} (got 'rows.csv')\n"
    )


def test_a_device_as_data_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """/dev/zero as the data file: refused, not read until memory runs out."""
    path = _data_scenario(tmp_path, "/dev/zero")
    assert capacity_main(["table", "--scenarios", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"Error: {path}: scenarios.scenario3.data.file: is not a regular file (a FIFO, "
        "device or directory cannot be read) (got '/dev/zero')\n"
    )


def test_a_byte_order_mark_is_dropped_from_a_data_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A UTF-8 BOM before the header: the column is 'username', the file loads."""
    (tmp_path / "rows.csv").write_bytes(b"\xef\xbb\xbfusername\nann1\n")
    path = _data_scenario(tmp_path, "rows.csv")
    assert capacity_main(["table", "--scenarios", str(path)]) == 0, capsys.readouterr().err


def test_a_run_json_nested_100000_deep_is_one_line_in_every_reader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """capacity instances --from-run and report compare read run.json as build does."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "run.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    message = "Error: run.json: nested more than 32 levels deep\n"
    assert capacity_main(["instances", "--from-run", str(tmp_path / "a")]) == 2
    assert capsys.readouterr().err == message
    assert report_main(["compare", str(tmp_path / "a"), str(tmp_path / "b")]) == 2
    assert capsys.readouterr().err == message
