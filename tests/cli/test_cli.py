"""The CLI through click's runner, over real catalogue files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tuiguide.cli.main import main
from tuiguide.core.store.catalogue import Catalogue


@pytest.fixture
def run(db_path: Path):
    Catalogue.open(db_path).close()  # seeded with the bundled guide
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return invoke


def test_topics_json(run) -> None:
    result = run("topics", "--json")
    assert result.exit_code == 0
    topics = json.loads(result.stdout)
    assert len(topics) == 19
    first = topics[0]
    assert first["number"] == "1" and first["title"] == "LLM Inference Fundamentals"
    assert first["tiers"]["1"]["total"] == 9
    assert sum(t["total"]["total"] for t in topics) == 337


def test_topics_table(run) -> None:
    result = run("topics")
    assert result.exit_code == 0
    assert "0/333" in result.stdout
    assert "Supplementary Materials" in result.stdout


def test_list_filters_and_json_fields(run) -> None:
    result = run("list", "--topic", "quant", "--tier", "3", "--json")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert len(items) == 2
    assert {"id", "title", "url", "author", "description", "guide", "topic", "tier", "status"} <= set(items[0])
    assert all(i["tier"] == 3 and i["topic"] == "Quantization & Model Compression" for i in items)
    # Each resource once, in its lead tier (A Visual Guide to Quantization is Tier 1 twice).
    assert len(json.loads(run("list", "--tier", "1", "--json").stdout)) == 51
    untiered = json.loads(run("list", "--tier", "none", "--json").stdout)
    assert len(untiered) == 3


def test_status_show_note(run) -> None:
    assert run("status", "5", "done").exit_code == 0
    shown = json.loads(run("show", "5", "--json").stdout)
    assert shown["status"] == "done" and shown["id"] == 5
    assert json.loads(run("list", "--status", "done", "--json").stdout)[0]["id"] == 5
    assert run("note", "5", "--set", "look at [bold]this[/]").exit_code == 0
    printed = run("note", "5")
    assert printed.stdout.strip() == "look at [bold]this[/]"
    text = run("show", "5").stdout
    assert "look at [bold]this[/]" in text and "Status: done" in text


def test_import_and_summary(run, tmp_path: Path) -> None:
    guide = tmp_path / "g.md"
    guide.write_text("# G\n\n## One\n\n- [A](https://a.example) - Au. D.\n")
    result = run("import", str(guide))
    assert result.exit_code == 0
    assert result.stdout.strip() == "G: +1 ~0 -0 (1 items in 1 topics)"
    assert run("import", str(guide)).stdout.startswith("G: +0 ~0 -0")
    data = json.loads(run("import", str(guide), "--json").stdout)
    assert data["unchanged"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "99999"), "no resource with ID 99999"),
        (("show", "abc"), "bad ID 'abc'"),
        (("list", "--tier", "7x"), "bad tier '7x'"),
        (("list", "--topic", "zzz"), "no topic matches 'zzz'"),
        (("import", "/nonexistent/guide.md"), "/nonexistent/guide.md: no such file"),
        (("status", "99999", "done"), "no resource with ID 99999"),
    ],
)
def test_user_mistakes_are_one_line(run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_unreadable_database_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all, just bytes" * 10)
    result = CliRunner().invoke(main, ["--db", str(bad), "topics"])
    assert result.exit_code == 2
    assert str(bad) in result.stderr and "not an SQLite database" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert bad.read_bytes().startswith(b"this is not a database")


def test_not_a_guide_import(run, tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run("import", str(binary))
    assert result.exit_code == 2
    assert f"{binary}: binary data" in result.stderr


def test_env_var_selects_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "from-env.db"
    monkeypatch.setenv("TUIGUIDE_DB", str(target))
    result = CliRunner().invoke(main, ["status", "1", "reading"])
    assert result.exit_code == 0
    assert target.exists()


def test_output_never_carries_escape_sequences(run, tmp_path: Path) -> None:
    guide = tmp_path / "evil.md"
    guide.write_text(
        "# Evil\n\n## One\n\n"
        "- [Clear \x1b[2J screen \x1b]52;c;ZXZpbA==\x07](https://evil.example) - \x1b]0;title\x07Au. "
        "Desc [link=file:///etc/passwd]x[/link]\n"
    )
    assert run("import", str(guide)).exit_code == 0
    rid = json.loads(run("list", "--guide", "evil", "--json").stdout)[0]["id"]
    run("note", str(rid), "--set", "note \x1b[31mred\x1b[0m")
    for args in (("list", "--guide", "evil"), ("show", str(rid)), ("note", str(rid)), ("topics",)):
        out = run(*args).stdout
        assert "\x1b" not in out, args
    assert "[link=file:///etc/passwd]x[/link]" in run("show", str(rid)).stdout
