"""``review``, ``goal``, ``add``, ``tag`` and ``tags`` from the shell, with their --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from feeds_support import Route, serve
from study_support import write_guide
from tuiguide.cli.main import main


@pytest.fixture
def run(tmp_path: Path):
    db = tmp_path / "cli.db"
    guide = write_guide(tmp_path)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(main, ["--db", str(db), *args])

    assert invoke("import", str(guide)).exit_code == 0
    return invoke


@pytest.fixture
def server():
    yield from serve()


def ids(run) -> dict[str, int]:
    rows = json.loads(run("list", "--json").output)
    return {row["title"]: row["id"] for row in rows}


def test_review_lists_due_items_and_rates_one(run) -> None:
    a1 = ids(run)["A1"]
    assert run("status", str(a1), "done").exit_code == 0
    assert json.loads(run("review", "--json").output) == []
    due = json.loads(run("review", "--due-by", "+7d", "--json").output)
    assert [d["id"] for d in due] == [a1]
    assert set(due[0]) == {"id", "title", "topic", "tier", "due", "stability", "difficulty",
                           "reps", "lapses"}
    assert (due[0]["title"], due[0]["topic"], due[0]["reps"]) == ("A1", "Alpha", 1)
    rated = run("review", str(a1), "--rate", "again", "--json")
    assert rated.exit_code == 0, rated.output
    assert json.loads(rated.output)["lapses"] == 1
    text = run("review", str(a1), "--rate", "good")
    assert text.exit_code == 0 and text.output.startswith(f"{a1}: rated good; back ")
    piped = run("review", "--due-by", "+400d")
    assert piped.output.splitlines()[0].split("\t")[:2] == ["ID", "Due"]


def test_review_mistakes_are_one_line(run) -> None:
    a2 = ids(run)["A2"]
    for args, words in (
        (("review", str(a2), "--rate", "good"), "not in review; mark it done first"),
        (("review", "--due-by", "someday"), "bad date 'someday'"),
        (("review", "77777", "--rate", "good"), "no resource with ID 77777"),
        (("review", "--rate", "good"), "give an ID and --rate"),
        (("goal", "-3"), "goal"),
    ):
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert words in result.output and len(result.output.strip().splitlines()) == 1


def test_goal_is_set_and_shown(run) -> None:
    assert json.loads(run("goal", "--json").output)["goal"] is None
    run("status", str(ids(run)["A1"]), "done")
    state = json.loads(run("goal", "3", "--json").output)
    assert (state["goal"], state["today"], state["met"]) == (3, 1, False)
    assert "today 1/3" in run("goal").output


def test_add_reads_the_page_and_refuses_a_duplicate(run, server) -> None:
    server.routes["/post"] = Route(
        "<html><head><title>Alpha Deep Dive</title><meta name='description' "
        "content='First alpha, in depth.'><meta name='author' content='Ada Lovelace'>"
        "</head><body></body></html>",
        content_type="text/html")
    added = run("add", server.url("/post"), "--topic", "Alpha", "--tier", "2", "--json")
    assert added.exit_code == 0, added.output
    item = json.loads(added.output)
    assert (item["title"], item["description"], item["topic"], item["tier"], item["origin"]) \
        == ("Alpha Deep Dive", "First alpha, in depth.", "Alpha", 2, "user")
    # The page's author is kept too: the list, show and search see it.
    assert item["author"] == "Ada Lovelace"
    assert json.loads(run("show", str(item["id"]), "--json").output)["author"] == "Ada Lovelace"
    found = json.loads(run("search", "author:lovelace", "--json").output)["results"]
    assert [r["id"] for r in found] == [item["id"]]
    again = run("add", server.url("/post/"))
    assert again.exit_code == 2 and f"as ID {item['id']}" in again.output
    typed = run("add", server.url("/gone"), "--title", "Typed title", "--topic", "Beta",
                "--author", "Me")
    assert typed.exit_code == 0 and "Typed title -> 2. Beta" in typed.output
    row = next(r for r in json.loads(run("list", "--json").output) if r["title"] == "Typed title")
    assert row["author"] == "Me"
    untitled = run("add", server.url("/gone2"))
    assert untitled.exit_code == 2 and "pass --title" in untitled.output


def test_tag_and_tags(run) -> None:
    a1, b1 = ids(run)["A1"], ids(run)["B1"]
    assert json.loads(run("tag", str(a1), "Go,perf", "--json").output)["tags"] == ["go", "perf"]
    assert run("tag", str(b1), "go").output.strip() == f"{b1}: go"
    assert json.loads(run("tags", "--json").output) == [
        {"name": "go", "count": 2}, {"name": "perf", "count": 1}]
    assert run("tag", str(a1), "go", "--remove").output.strip() == f"{a1}: perf"
    shown = json.loads(run("show", str(a1), "--json").output)
    assert shown["tags"] == ["perf"]
    bad = run("tag", "x1", "go")
    assert bad.exit_code == 2 and "bad ID" in bad.output
