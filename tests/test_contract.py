"""The JSON contract: every record jobs.contract builds is the one the README documents, and
the one the commands print, keys in the contract's order. The commands run in process
(click's CliRunner) on a database of two real crawls of a local site (tests/sites/edited.py)."""

from __future__ import annotations

import json
import re

import pytest
from briefwatch.jobs import contract
from briefwatch.jobs.cli import cli
from click.testing import CliRunner

from tests.helpers import REPO
from tests.sites.edited import build

# README bullet (its first backticked words) -> the contract's fields it documents
DOCUMENTED = {
    "changes --json": contract.EVENT_FIELDS,
    "list --json": contract.TRANSCRIPT_FIELDS,
    "show --json": contract.SHOW_FIELDS,
    "history --json": contract.HISTORY_FIELDS,
    "search --json": contract.SEARCH_FIELDS,
    "diff --format json": contract.DIFF_FIELDS,
    "pairs --json": contract.PAIR_FIELDS + contract.UNPAIRED_FIELDS,
    "exchanges --json": contract.EXCHANGE_FIELDS,
    "export --unit exchanges": contract.EXCHANGE_COLUMNS,
    "compare --format json": contract.CONFERENCE_FIELDS + contract.CONFERENCE_EXCHANGE_FIELDS,
    "runs --json": contract.RUN_FIELDS,
    "crawl --json": contract.CRAWL_FIELDS,
    "archive --json": contract.ARCHIVE_FIELDS,
    "workers --json": contract.WORKERS_FIELDS,
    "jobs --json": contract.JOB_FIELDS,
    "notify --json": contract.DELIVERY_FIELDS,
    "sources --json": contract.SOURCE_FIELDS,
    "export": contract.EXPORT_FIELDS,
}


def _readme_bullets() -> dict[str, str]:
    """The bullets of the README's "JSON output (a contract)", by their first backticked
    words; a record documented in two bullets (`changes --json` of a `divergent` event) is
    read as one."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("### JSON output (a contract)", 1)[1].split("\n## ", 1)[0]
    bullets: dict[str, str] = {}
    for bullet in re.split(r"\n\* ", section)[1:]:
        key = re.match(r"`([^`]+)`", bullet)[1]
        bullets[key] = bullets.get(key, "") + bullet
    return bullets


def test_every_record_of_the_readme_is_built_by_the_contract_and_the_other_way_round():
    assert set(_readme_bullets()) == set(DOCUMENTED)


@pytest.mark.parametrize("bullet", sorted(DOCUMENTED))
def test_the_readme_documents_every_field_of_the_record(bullet):
    named = set(re.findall(r"`([a-z_0-9]+)`", _readme_bullets()[bullet]))
    assert [f for f in DOCUMENTED[bullet] if f not in named] == []


def test_the_export_columns_are_listed_in_their_order():
    text = _readme_bullets()["export --unit exchanges"]
    listed = re.findall(r"`([a-z_0-9]+)`", text.split("the columns are", 1)[1].split("in that "
                                                                                 "order")[0])
    assert tuple(listed) == contract.EXCHANGE_COLUMNS


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    return build(tmp_path_factory.mktemp("contract"))


def _json_lines(edited, *args: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["--config", str(edited.config), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert records, args
    return records


def test_what_the_commands_print_is_the_contract_keys_in_order(edited):
    url = edited.urls["dropped"]
    printed = {
        contract.EVENT_FIELDS: _json_lines(edited, "changes", "--json"),
        contract.TRANSCRIPT_FIELDS: _json_lines(edited, "list", "--json"),
        contract.SHOW_FIELDS: _json_lines(edited, "show", url, "--json"),
        contract.HISTORY_FIELDS: _json_lines(edited, "history", url, "--json"),
        contract.SEARCH_FIELDS: _json_lines(edited, "search", "ministry", "--json"),
        contract.DIFF_FIELDS: _json_lines(edited, "diff", url, "--format", "json"),
        contract.EXCHANGE_FIELDS: _json_lines(edited, "exchanges", "--json"),
        contract.EXPORT_FIELDS: _json_lines(edited, "export"),
        contract.RUN_FIELDS: _json_lines(edited, "runs", "--json"),
        contract.SOURCE_FIELDS: _json_lines(edited, "sources", "--json"),
        contract.JOB_FIELDS: _json_lines(edited, "jobs", "--json"),
    }
    for fields, records in printed.items():
        for record in records:
            assert tuple(record) == fields
    assert {r["kind"] for r in printed[contract.EVENT_FIELDS]} == {"new", "edited"}


def test_the_exchange_columns_flatten_the_exchange_record(edited):
    for row in _json_lines(edited, "exchanges", "--json"):
        flat = contract.exchange_columns(row)
        assert tuple(flat) == contract.EXCHANGE_COLUMNS
        assert flat["paired_index"] == (row["paired"] or {}).get("index")
        assert {k: v for k, v in flat.items() if not k.startswith("paired_")} == \
            {k: v for k, v in row.items() if k != "paired"}
