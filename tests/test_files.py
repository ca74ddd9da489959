"""log.txt / health.txt files: rotation keeps N files and loses no line."""

from __future__ import annotations

from pathlib import Path

from sitewatch.outputs import LineWriter, RotatingFile


def test_rotation_keeps_the_configured_number_of_files_and_every_recent_line(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    writer = LineWriter(RotatingFile(path, max_bytes=4096, backups=2))
    for i in range(300):
        writer.put(f"line {i:04d} " + "x" * 80)
    writer.close()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["log.txt", "log.txt.1", "log.txt.2"]
    kept = []
    for name in ["log.txt.2", "log.txt.1", "log.txt"]:
        kept += (tmp_path / name).read_text().splitlines()
    numbers = [int(line.split()[1]) for line in kept]
    assert numbers == list(range(numbers[0], 300))  # in order, nothing missing, newest last


def test_an_existing_log_is_appended_to_not_truncated(tmp_path: Path) -> None:
    path = tmp_path / "log.txt"
    path.write_text("old line\n")
    writer = LineWriter(RotatingFile(path, max_bytes=1 << 20, backups=1))
    writer.put("new line")
    writer.close()
    assert path.read_text() == "old line\nnew line\n"


def test_jobs_run_in_the_writer_thread_in_order(tmp_path: Path) -> None:
    path = tmp_path / "health.txt"
    writer = LineWriter(RotatingFile(path, max_bytes=1 << 20, backups=1))
    writer.put("a")
    writer.put(lambda: ["b", "c"])
    writer.put("d")
    writer.close()
    assert path.read_text().split() == ["a", "b", "c", "d"]
