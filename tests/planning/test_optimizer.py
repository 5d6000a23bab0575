"""The optimizer loop offline, the `edusim plan` command, and the language-model path."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from edusim.cli import app
from edusim.curriculum import load_builtin
from edusim.llm import LLMError, StructuredOutputError
from edusim.llm.testing import StubChatServer, StubMode
from edusim.planning import (
    CRITERIA,
    OptimizerConfig,
    PlanRound,
    optimize_plan,
    render_history,
    simulate_profile,
)

CURRICULUM = load_builtin("fractions")


@pytest.mark.parametrize(
    ("level", "targets"),
    [
        ("intermediate", None),  # the `edusim plan` default
        ("beginner", None),
        ("advanced", None),
        ("intermediate", ["add_unlike"]),
        ("advanced", ["word_problems"]),
    ],
)
def test_optimized_plan_beats_first_draft_on_criteria_and_simulated_class(level, targets):
    profile = simulate_profile(CURRICULUM, level, n_learners=30, seed=0)
    result = optimize_plan(CURRICULUM, profile, targets)
    draft, best = result.draft, result.best
    assert best.index > 0
    assert best.scores.overall > draft.scores.overall
    assert best.utility.gain > draft.utility.gain
    assert best.scores.overall == max(r.scores.overall for r in result.rounds)
    assert all(r.plan.planned_minutes <= 45 for r in result.rounds)


def test_optimizer_reports_every_round_and_is_deterministic():
    profile = simulate_profile(CURRICULUM, "beginner", n_learners=20, seed=2)
    seen: list[PlanRound] = []
    config = OptimizerConfig(rounds=3, class_size=500)
    result = optimize_plan(CURRICULUM, profile, ["equivalent"], config=config, on_round=seen.append)
    assert [r.index for r in seen] == [r.index for r in result.rounds] == list(range(len(seen)))
    assert result.draft.changes == ("first draft",)
    assert all(r.changes for r in result.rounds[1:])
    again = optimize_plan(CURRICULUM, profile, ["equivalent"], config=config)
    assert [r.summary() for r in again.rounds] == [r.summary() for r in result.rounds]
    table = render_history(result.rounds, result.best_index)
    assert "(best)" in table and all(c in table for c in CRITERIA)
    json.dumps(result.to_dict())


def test_cli_plan_prints_and_writes(tmp_path):
    out = tmp_path / "plan.json"
    res = CliRunner().invoke(
        app,
        [
            "plan",
            "--skills",
            "add_unlike",
            "--profile",
            "intermediate",
            "--rounds",
            "2",
            "--out",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Lesson plan" in res.output and "best round" in res.output
    data = json.loads(out.read_text())
    assert data["best_plan"]["spec"]["target_skills"] == ["add_unlike"]
    assert len(data["history"]) == 3
    md = tmp_path / "plan.md"
    res = CliRunner().invoke(app, ["plan", "--rounds", "1", "--out", str(md)])
    assert res.exit_code == 0 and md.read_text().startswith("# Lesson plan")


def test_cli_plan_reports_bad_input_in_one_line():
    res = CliRunner().invoke(app, ["plan", "--skills", "nope"])
    assert res.exit_code == 1 and "unknown skill" in res.output
    res = CliRunner().invoke(app, ["plan", "--profile", "nowhere.csv"])
    assert res.exit_code == 1 and "neither a cohort level" in res.output


# -- the language-model path through a real HTTP stub --------------------------------------
def _fake_model(messages: list[dict]) -> str:
    """A plausible model: answers each planning prompt with JSON of the right shape."""
    prompt = messages[-1]["content"]
    if "Score the lesson plan" in prompt:
        return (
            'Here are my scores:\n```json\n{"Clarity": 80, "integrity": "75", "depth": 70, '
            '"practicality": 90, "pertinence": 65, "feedback": ["review prerequisites"]}\n```'
        )
    if "likely mistakes" in prompt:
        ids = re.findall(r'"item_id": "([^"]+)"', prompt)
        examples = [
            {
                "item_id": i,
                "mistakes": [
                    {"type": "misapplied_rule", "share": 0.3, "note": "adds across"},
                    {"type": "Calculation", "share": "0.1", "note": "slip"},
                ],
            }
            for i in ids
        ]
        return json.dumps({"examples": examples})
    return json.dumps(
        {
            "review_skills": ["common_denominator"],
            "example_ids": ["common_denominator-1", "add_unlike-1"],
            "practice_ids": ["common_denominator-2", "add_unlike-2", "add_unlike-3"],
            "changes": ["review the common denominator first"],
        }
    )


def test_llm_agents_plan_analyse_and_evaluate_through_the_stub_server():
    profile = simulate_profile(CURRICULUM, "intermediate", n_learners=10)
    with StubChatServer(reply=_fake_model) as server:
        result = optimize_plan(
            CURRICULUM,
            profile,
            ["add_unlike"],
            server.backend(),
            OptimizerConfig(rounds=1, class_size=200),
        )
        prompts = [r.body["messages"][-1]["content"] for r in server.requests]
    best = result.best
    assert best.backend.startswith("openai") or "stub-model" in best.backend
    assert best.plan.review_skills == ("common_denominator",)
    assert best.scores.clarity == 80 and best.scores.integrity == 75
    assert best.plan.examples[0].mistakes[0].type.value == "misapplied rule"
    assert any("add_unlike-4" in p for p in prompts)  # the item catalogue is in the prompt
    assert any("Evaluator scores" in p for p in prompts)  # the reviser sees the scores


@pytest.mark.parametrize(
    ("reply", "match"),
    [
        ('{"example_ids": ["made-up-1"], "practice_ids": []}', "unknown skill ids"),
        ("I would rather not plan today.", "cannot parse"),
    ],
)
def test_llm_planner_rejects_invalid_answers(reply, match):
    profile = simulate_profile(CURRICULUM, "beginner", n_learners=5)
    with StubChatServer(reply=reply) as server, pytest.raises(StructuredOutputError, match=match):
        optimize_plan(CURRICULUM, profile, ["add_like"], server.backend())


def test_llm_evaluator_rejects_out_of_range_scores():
    profile = simulate_profile(CURRICULUM, "beginner", n_learners=5)

    def model(messages):
        if "Score the lesson plan" in messages[-1]["content"]:
            return (
                '{"clarity": 180, "integrity": 1, "depth": 1, "practicality": 1, "pertinence": 1}'
            )
        return _fake_model(messages)

    with (
        StubChatServer(reply=model) as server,
        pytest.raises(StructuredOutputError, match="clarity"),
    ):
        optimize_plan(CURRICULUM, profile, ["add_unlike"], server.backend())


def test_garbage_server_is_one_clear_error():
    profile = simulate_profile(CURRICULUM, "beginner", n_learners=5)
    with StubChatServer(mode=StubMode.GARBAGE) as server, pytest.raises(LLMError) as info:
        optimize_plan(CURRICULUM, profile, ["add_like"], server.backend())
    assert info.value.kind.value in ("malformed", "parse")


@pytest.mark.parametrize(
    "mode", [StubMode.DIE_MID_STREAM, StubMode.SERVER_ERROR, StubMode.UNAUTHORIZED]
)
def test_cli_plan_with_a_failing_server_keeps_the_previous_output(tmp_path, monkeypatch, mode):
    out = tmp_path / "plan.json"
    out.write_text('{"previous": true}')
    secret = "sk-plan-secret-123"
    with StubChatServer(reply='{"example_ids": []}' * 20, mode=mode, api_key=secret) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", secret)
        monkeypatch.setenv("EDUSIM_LLM_MODEL", server.model)
        res = CliRunner().invoke(app, ["plan", "--rounds", "1", "--out", str(out)])
        url, reached = server.url, bool(server.requests)
    assert reached, "the CLI never reached the server"
    assert res.exit_code == 1, res.output
    assert res.output.startswith("error: ") and url in res.output, res.output
    assert secret not in res.output
    assert out.read_text() == '{"previous": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]
