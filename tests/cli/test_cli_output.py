"""The CLI for people and for scripts: one-line usage mistakes, a table at a terminal,
tab-separated lines through a pipe, streamed JSON, and a word when --db names a new file.

Through the installed command (a real pipe, a real pseudo-terminal) and click's runner,
over real catalogue files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuiguide.cli.main import main
from tuiguide.core.store.catalogue import Catalogue

ITEM_HEADER = ["ID", "Status", "Tier", "Title", "Author", "URL"]


@pytest.fixture
def seeded(db_path: Path) -> Path:
    Catalogue.open(db_path).close()  # the bundled guide
    return db_path


@pytest.fixture
def run(seeded: Path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--db", str(seeded), *args], catch_exceptions=False)

    return invoke


def shell(tuiguide: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``tuiguide --db DB ARGS`` with stdout and stderr on pipes."""
    return subprocess.run([str(tuiguide), "--db", str(db), *args], capture_output=True,
                          text=True, timeout=60)


# ------------------------------------------------------------------------ usage mistakes
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("status", "5", "finished"), "'finished' is not one of 'todo', 'reading'"),
        (("export", "--format", "pdf"), "'pdf' is not one of 'markdown', 'json'"),
        (("next", "-n", "-3"), "-3 is not in the range"),
        (("search",), "missing argument 'WORDS...'"),
        (("frobnicate",), "no such command 'frobnicate'"),
        (("feeds", "nope"), "no such command 'nope'"),
        (("list", "--bogus"), "no such option '--bogus'"),
        (("list", "--tier", "7"), "bad tier '7'"),
        (("list", "--tier", "x"), "bad tier 'x'"),
        (("list", "--json", "--jsonl"), "give --json or --jsonl, not both"),
        (("show",), "missing argument 'ITEM_ID'"),
    ],
)
def test_usage_mistakes_are_one_line_and_exit_2(tuiguide: Path, seeded: Path,
                                                args: tuple[str, ...], needle: str) -> None:
    result = shell(tuiguide, seeded, *args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
    assert lines[0].startswith("tuiguide: ") and needle in lines[0]
    assert "Usage:" not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_misspelt_command_names_the_one_meant(tuiguide: Path, seeded: Path) -> None:
    result = shell(tuiguide, seeded, "lsit")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Did you mean 'list'?" in result.stderr
    assert "see 'tuiguide --help'" in result.stderr


def test_help_still_prints_the_full_help(tuiguide: Path, seeded: Path) -> None:
    top = shell(tuiguide, seeded, "--help")
    assert top.returncode == 0 and top.stderr == ""
    assert top.stdout.startswith("Usage: tuiguide [OPTIONS]")
    for part in ("Options:", "--db PATH", "Commands:", "  list ", "  search ", "  feeds "):
        assert part in top.stdout, part
    sub = shell(tuiguide, seeded, "list", "--help")
    assert sub.returncode == 0
    for part in ("Usage: tuiguide list [OPTIONS]", "--tier TEXT", "--json", "--jsonl"):
        assert part in sub.stdout, part


def test_a_tier_no_guide_has_is_refused_but_a_topic_without_it_is_just_empty(
        run, tmp_path: Path) -> None:
    assert run("list", "--tier", "7").exit_code == 2
    # Topic 6 of the bundled guide has Tier 1 and 2 only: a real tier, nothing in it here.
    empty = run("list", "--topic", "6", "--tier", "3")
    assert empty.exit_code == 0 and empty.stdout == "No items match.\n"
    # A guide with a Tier 4 makes tier 4 real, in that guide only.
    guide = tmp_path / "deep.md"
    guide.write_text("# Deep\n\n## One\n\n### Tier 4\n\n- [Deep dive](https://deep.example) - D.\n")
    assert run("import", str(guide)).exit_code == 0
    listed = run("list", "--tier", "4")
    assert listed.exit_code == 0 and "Deep dive" in listed.stdout
    refused = run("list", "--tier", "4", "--guide", "learning")
    assert refused.exit_code == 2 and "bad tier '4'" in refused.stderr
    assert refused.stderr.count("\n") == 1


# ------------------------------------------------------------------------ empty, newlines
def test_empty_results_are_one_clear_line(run) -> None:
    for args, line in [
        (("list", "--status", "done"), "No items match."),
        (("search", "zzqqxx"), "No matches for 'zzqqxx'."),
        (("log",), "No activity yet."),
        (("inbox",), "The Inbox is empty. 'tuiguide refresh' fetches new entries."),
    ]:
        result = run(*args)
        assert result.exit_code == 0, args
        assert result.stdout == line + "\n", args
        assert result.stderr == "", args
    assert run("list", "--status", "done", "--json").stdout == "[]\n"
    assert run("list", "--status", "done", "--jsonl").stdout == ""


def test_nothing_left_to_read_is_one_line(run, seeded: Path) -> None:
    with Catalogue.open(seeded) as cat:
        for item in cat.items(limit=10_000):
            cat.set_status(item.id, "skipped")
    result = run("next")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == "Nothing left to read: everything is done or skipped.\n"


def test_every_output_ends_with_a_newline(run) -> None:
    run("status", "5", "reading")
    run("note", "5", "--set", "a note without a final newline")
    for args in [("topics",), ("list", "--topic", "2"), ("show", "5"), ("note", "5"),
                 ("stats",), ("log",), ("next",), ("search", "kv", "cache"), ("feeds",),
                 ("list", "--tier", "1", "--json"), ("list", "--tier", "1", "--jsonl"),
                 ("status", "5", "done"), ("export",)]:
        result = run(*args)
        assert result.exit_code == 0, args
        assert result.stdout.endswith("\n"), args


# ------------------------------------------------------------------------ scripts
def test_a_pipe_gets_tab_separated_rows_under_a_header(tuiguide: Path, seeded: Path) -> None:
    result = shell(tuiguide, seeded, "list", "--tier", "1")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == ITEM_HEADER
    rows = [line.split("\t") for line in lines[1:]]
    assert all(len(row) == len(ITEM_HEADER) for row in rows)
    expected = json.loads(shell(tuiguide, seeded, "list", "--tier", "1", "--json").stdout)
    assert len(rows) == len(expected) == 51  # each resource once, in its lead tier
    assert [(int(r[0]), r[1], r[2], r[3], r[5]) for r in rows] == [
        (i["id"], i["status"], str(i["tier"]), i["title"], i["url"]) for i in expected
    ]
    assert "\x1b" not in result.stdout and "│" not in result.stdout


def test_json_is_one_document_and_jsonl_one_object_a_line(run) -> None:
    as_json = run("list", "--topic", "quant", "--json").stdout
    items = [json.loads(line) for line in run("list", "--topic", "quant", "--jsonl").stdout
             .splitlines()]
    assert len(items) > 10
    assert as_json == json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    found = json.loads(run("search", "kv", "cache", "--json").stdout)["results"]
    lines = run("search", "kv", "cache", "--jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == found


def test_search_through_a_pipe_keeps_rows_and_remarks_apart(run) -> None:
    result = run("search", "c++", "--limit", "1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split("\t") == [*ITEM_HEADER, "Found in"] and len(lines) == 2
    assert "C/CUDA" in lines[1] and lines[1].split("\t")[-1] != ""
    assert result.stderr == "1-1 of 2 results (--limit and --offset show more)\n"


def big_catalogue(path: Path, n: int) -> Path:
    """``n`` items in ten topics, three tiers (a tenth in Tier 3)."""
    parts = ["# Big\n"]
    for topic in range(10):
        parts.append(f"\n## {topic + 1}. Topic {topic}\n")
        for tier in (1, 2, 3):
            parts.append(f"\n### Tier {tier}\n\n")
            share = {1: 3, 2: 6, 3: 1}[tier]
            for i in range(n // 100 * share):
                k = f"{topic}-{tier}-{i}"
                parts.append(f"- [Resource {k} on paged attention and kernels]"
                             f"(https://big.example/{k}) - Author {i % 97}. "
                             "A description long enough to look like a real one, about GPUs.\n")
    cat = Catalogue.open(path, seed=False)
    cat.import_text("".join(parts), source="big.md")
    cat.close()
    return path


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return big_catalogue(tmp_path_factory.mktemp("big") / "big.db", 20_000)


PEAK_PROBE = """
import atexit, os, sys
fd = int(sys.argv[1])
def report():
    with open("/proc/self/status") as status:
        peak = next(line for line in status if line.startswith("VmHWM:"))
    os.write(fd, peak.split()[1].encode())
atexit.register(report)
sys.argv = ["tuiguide", *sys.argv[2:]]
from tuiguide.cli.main import main
main()
"""


def peak_rss_kb(db: Path, *args: str) -> tuple[int, int]:
    """Lines printed through a pipe, and the peak resident memory (KB) of ``tuiguide --db DB
    ARGS``, read from /proc when it exits (a child's rusage would include the memory of the
    test process it was forked from)."""
    report_r, report_w = os.pipe()
    try:
        proc = subprocess.Popen([sys.executable, "-c", PEAK_PROBE, str(report_w), "--db",
                                 str(db), *args], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, pass_fds=(report_w,))
        os.close(report_w)
        assert proc.stdout is not None
        lines = sum(1 for _ in proc.stdout)
        assert proc.wait(timeout=120) == 0
        peak = int(os.read(report_r, 100))
    finally:
        os.close(report_r)
    return lines, peak


def test_memory_does_not_grow_with_the_rows_listed(big: Path) -> None:
    few, few_kb = peak_rss_kb(big, "list", "--tier", "3", "--topic", "1", "--jsonl")
    many, many_kb = peak_rss_kb(big, "list", "--jsonl")
    assert (few, many) == (200, 20_000)
    # Every row in memory at once costs ~5 KB a row (~100 MB here); pages cost a few MB.
    assert many_kb - few_kb < 20_000, (few_kb, many_kb)
    _, json_kb = peak_rss_kb(big, "list", "--json")
    _, tsv_kb = peak_rss_kb(big, "list")
    assert max(json_kb, tsv_kb) - few_kb < 20_000, (few_kb, json_kb, tsv_kb)


def test_rows_arrive_before_the_listing_ends_and_a_closed_pipe_is_quiet(
        tuiguide: Path, big: Path) -> None:
    proc = subprocess.Popen([str(tuiguide), "--db", str(big), "list"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().decode().split("\t")[0] == "ID"
    first = proc.stdout.readline().decode().split("\t")
    assert first[3].startswith("Resource 0-1-0 ")
    proc.stdout.close()  # like `| head -2`
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


# ------------------------------------------------------------------------ people
def test_a_terminal_gets_a_table(at_terminal, seeded: Path) -> None:
    code, out = at_terminal(["--db", str(seeded), "list", "--topic", "quant", "--tier", "3"])
    assert code == 0, out
    lines = [line.rstrip() for line in out.replace("\x1b[1m", "").replace("\x1b[0m", "")
             .splitlines() if line.strip()]
    assert lines[0].split() == ["ID", "Tier", "Title", "Author"]
    assert "\t" not in out
    assert len(lines) == 3 and all(" ○  T3 " in line for line in lines[1:])
    code, out = at_terminal(["--db", str(seeded), "next", "-n", "2"])
    assert code == 0 and "Up next (2 of 333 left):" in out


# ------------------------------------------------------------------------ a new file
def test_a_db_that_does_not_exist_is_created_with_a_word(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    typo = tmp_path / "new" / "catalgoue.db"
    first = CliRunner().invoke(main, ["--db", str(typo), "list", "--tier", "1", "--json"])
    assert first.exit_code == 0
    assert first.stderr == f"tuiguide: created a new catalogue at {typo}\n"
    assert len(json.loads(first.stdout)) == 51  # seeded with the bundled guide (Tier 1, each resource once)
    again = CliRunner().invoke(main, ["--db", str(typo), "topics"])
    assert again.exit_code == 0 and again.stderr == ""
    other = tmp_path / "from-env.db"
    monkeypatch.setenv("TUIGUIDE_DB", str(other))
    by_env = CliRunner().invoke(main, ["status", "1", "reading"])
    assert by_env.exit_code == 0
    assert by_env.stderr == f"tuiguide: created a new catalogue at {other}\n"


def test_the_app_says_it_created_a_new_catalogue(at_terminal, tmp_path: Path) -> None:
    new = tmp_path / "fresh.db"
    code, out = at_terminal(["--db", str(new)], wait_for="Transformer Inference Arithmetic",
                            keys=b"\x11")  # ctrl+q
    assert code == 0, out[-2000:]
    assert f"tuiguide: created a new catalogue at {new}" in out
    code, out = at_terminal(["--db", str(new)], wait_for="Transformer Inference Arithmetic",
                            keys=b"\x11")
    assert code == 0 and "created a new catalogue" not in out
