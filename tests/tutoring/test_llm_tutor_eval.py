"""The language-model tutor end to end, against the HTTP stub server."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from edusim.cli import app
from edusim.llm.testing import StubChatServer
from edusim.tutoring import evaluate_tutor

TURN = '{"move": "focus", "text": "Which numbers do you need in step 1?", "step": 1}'
SECRET = "sk-tutor-eval-secret-42"


def test_evaluate_llm_tutor_over_http(sample_cases):
    with StubChatServer(reply=TURN) as server:
        result = evaluate_tutor(sample_cases[:2], "llm", seeds=[0], backend=server.backend())
        n_requests = len(server.requests)
    metrics = result.metrics()
    assert metrics["moves"]["focus"] == 1.0
    assert metrics["backend"].startswith("tutor via OpenAI-compatible at http://127.0.0.1:")
    assert n_requests == sum(len(o.moves) for row in result.outcomes for o in row)


def test_tutor_eval_cli_with_llm_server(tmp_path):
    with StubChatServer(reply=TURN, api_key=SECRET) as server:
        env = {
            "OPENAI_BASE_URL": server.url,
            "OPENAI_API_KEY": SECRET,
            "EDUSIM_LLM_MODEL": server.model,
            "EDUSIM_LLM_BACKEND": "",
        }
        args = ["tutor-eval", "--tutor", "llm", "--seeds", "1", "--limit", "2"]
        result = CliRunner().invoke(app, [*args, "--out", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "metrics.json").read_text())["moves"]["focus"] == 1.0
    assert SECRET not in result.output


def test_tutor_eval_cli_with_dead_server_fails_cleanly(tmp_path):
    with StubChatServer() as server:
        url = server.url
    env = {
        "OPENAI_BASE_URL": url,
        "OPENAI_API_KEY": SECRET,
        "EDUSIM_LLM_MODEL": "m",
        "EDUSIM_LLM_TIMEOUT": "2",
        "EDUSIM_LLM_MAX_RETRIES": "0",
        "EDUSIM_LLM_BACKEND": "",
    }
    args = ["tutor-eval", "--tutor", "llm", "--seeds", "1", "--limit", "1", "--out", str(tmp_path)]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 1
    assert "[connection] cannot reach" in result.output and "Traceback" not in result.output
    assert SECRET not in result.output
