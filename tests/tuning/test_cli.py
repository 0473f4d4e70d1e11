"""`lantern synonyms ...` end to end: check, publish, history, diff, rollback, preview."""

from __future__ import annotations

import getpass
import json

from click.testing import CliRunner

from lantern.cli import main


def run(settings, *args):
    return CliRunner().invoke(
        main,
        ["--data-dir", str(settings.data_dir), "synonyms", *args],
        env={
            "LANTERN_LIBRARIES": str(settings.libraries),
            "LANTERN_SYNONYMS_DIR": str(settings.synonyms_dir),
        },
    )


def test_check_names_errors_by_line_and_warns_about_common_words(tuned, tmp_path):
    draft = tmp_path / "health.txt"
    draft.write_text("history => chronicle\nGORD =>\n")
    result = run(tuned, "check", str(draft))
    assert result.exit_code == 1
    assert "error: line 2: has nothing right of =>" in result.output
    assert "warning: line 1: 'history' is a very common word" in result.output
    draft.write_text("matoaka => pocahontas\n")
    result = run(tuned, "check", str(draft), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"ok": True, "errors": [], "warnings": []}


def test_publish_history_diff_rollback(tuned, tmp_path):
    live = tuned.synonyms_dir / "health.txt"
    shipped = live.read_text()
    draft = tmp_path / "draft.txt"
    draft.write_text(shipped + "matoaka => pocahontas\n")
    result = run(tuned, "publish", "health.txt", str(draft), "--reason", "Pocahontas")
    assert result.exit_code == 0, result.output
    assert "published v2" in result.output
    assert live.read_text() == draft.read_text()

    versions = json.loads(run(tuned, "history", "health.txt", "--json").output)
    assert [(v["number"], v["kind"]) for v in versions] == [(1, "found"), (2, "published")]
    assert versions[1]["by"] == f"cli:{getpass.getuser()}"
    assert versions[1]["reason"] == "Pocahontas"
    assert "+matoaka => pocahontas" in run(tuned, "diff", "health.txt", "1", "2").output

    result = run(tuned, "rollback", "health.txt", "1", "--reason", "not yet")
    assert result.exit_code == 0, result.output
    assert "published v3 (rollback to v1)" in result.output
    assert live.read_text() == shipped
    assert "rollback to v1: not yet" in run(tuned, "history", "health.txt").output


def test_publish_over_a_hand_edit_is_refused_with_its_diff(tuned, tmp_path):
    live = tuned.synonyms_dir / "health.txt"
    assert run(tuned, "history", "health.txt").exit_code == 0  # records the file as found
    live.write_text(live.read_text() + "pressure ulcer, bedsore\n")
    draft = tmp_path / "draft.txt"
    draft.write_text("matoaka => pocahontas\n")
    result = run(tuned, "publish", "health.txt", str(draft), "--reason", "mine")
    assert result.exit_code == 1
    assert "+pressure ulcer, bedsore" in result.output
    assert "changed on disk" in result.output and "--based-on" in result.output
    assert "bedsore" in live.read_text() and "matoaka" not in live.read_text()


def test_preview_prints_the_draft_beside_the_live_results(tuned, tmp_path):
    draft = tmp_path / "draft.txt"
    draft.write_text("matoaka => pocahontas\n")
    result = run(tuned, "preview", "health.txt", str(draft), "matoaka")
    assert result.exit_code == 0, result.output
    assert "live 0 results" in result.output
    assert "[    new]" in result.output
    shown = json.loads(run(tuned, "preview", "health.txt", str(draft), "matoaka", "--json").output)
    assert shown["draft"][0]["change"] == "new"
    assert "matoaka" not in (tuned.synonyms_dir / "health.txt").read_text()


def test_boosts_out_of_range_are_refused_and_names_with_dots_are_usage_errors(tuned, tmp_path):
    draft = tmp_path / "boosts.toml"
    draft.write_text("[fields]\ntitle = 500.0\n")
    result = run(tuned, "publish", "boosts.toml", str(draft), "--reason", "x")
    assert result.exit_code == 1
    assert "line 2: fields.title = 500.0 is out of range" in result.output
    result = run(tuned, "publish", "../boosts.toml", str(draft), "--reason", "x")
    assert result.exit_code == 2
    assert "cannot be edited" in result.output
