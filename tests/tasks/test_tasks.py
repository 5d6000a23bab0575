"""The arithmetic domain: generator, solver, format, held-out sets, quality check, engines."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edusim.llm import LLMError, OfflineBackend
from edusim.llm.testing import StubChatServer, StubMode
from edusim.tasks import (
    SKILLS,
    ArithmeticDomain,
    LLMEngine,
    ParseError,
    Plan,
    ProgrammaticEngine,
    QualityCheck,
    Spec,
    TaskFormat,
    TokenizeError,
    check,
    generate,
    parse,
    solve,
)
from edusim.tasks.infer import SkillClusters

VARIANTS = [(s, v) for s, vs in SKILLS.items() for v in vs]


@pytest.mark.parametrize(("skill", "variant"), VARIANTS)
def test_generated_problems_have_their_variant_and_the_solver_agrees(skill, variant):
    texts = generate(Spec(skill, 50, (1, 3), variant), np.random.default_rng(1))
    assert len(texts.prompts) == 50
    assert set(texts.subskills) == {f"{skill}/{variant}"}
    assert all(check(p, a) for p, a in zip(texts.prompts, texts.answers, strict=True))
    assert all(parse(p).subskill == s for p, s in zip(texts.prompts, texts.subskills, strict=True))


def test_generator_draws_from_its_rng_only():
    spec = Spec("word", 20, (1, 2))
    a, b = generate(spec, np.random.default_rng(7)), generate(spec, np.random.default_rng(7))
    c = generate(spec, np.random.default_rng(8))
    assert a.prompts == b.prompts and a.prompts != c.prompts


def test_digit_range_and_depth_are_respected():
    texts = generate(Spec("add", 100, (3, 3), depth=3), np.random.default_rng(0))
    for prompt in texts.prompts:
        terms = prompt.rstrip("=").split("+")
        assert len(terms) == 4 and all(len(t) == 3 for t in terms)
    subs = generate(Spec("sub", 100, (1, 2), depth=2), np.random.default_rng(0))
    assert all(int(a) >= 0 for a in subs.answers)


def test_wrong_rate_makes_that_share_of_answers_wrong_and_flags_them():
    texts = generate(Spec("add", 400, (1, 2), wrong_rate=0.3), np.random.default_rng(0))
    right = np.array([check(p, a) for p, a in zip(texts.prompts, texts.answers, strict=True)])
    assert (right == texts.correct).all()
    assert 0.22 < 1 - right.mean() < 0.38


@pytest.mark.parametrize("bad", [
    dict(skill="div"), dict(skill="add", variant="borrow"), dict(skill="add", digits=(0, 2)),
    dict(skill="add", digits=(3, 2)), dict(skill="mul", depth=2), dict(skill="add", n=-1),
    dict(skill="add", wrong_rate=1.5),
])
def test_bad_specs_raise_naming_the_field(bad):
    with pytest.raises(ValueError):
        Spec(**{"n": 3, **bad})


def test_a_spec_that_cannot_be_met_raises_instead_of_looping():
    with pytest.raises(ValueError, match="sub/borrow"):
        generate(Spec("sub", 5, (1, 1), "borrow"), np.random.default_rng(0))


@given(st.integers(0, 10**6), st.integers(0, 10**6))
@settings(max_examples=200, deadline=None)
def test_solver_adds_subtracts_and_labels_carries(a, b):
    assert solve(f"{a}+{b}=") == str(a + b)
    carry = any(int(x) + int(y) >= 10 for x, y in zip(str(a)[::-1], str(b)[::-1], strict=False))
    assert parse(f"{a}+{b}=").variant == ("carry" if carry else "no-carry")
    hi, lo = max(a, b), min(a, b)
    assert solve(f"{hi}-{lo}=") == str(hi - lo)
    assert solve(f"{a}?{b}") == ("<" if a < b else ">" if a > b else "=")


@pytest.mark.parametrize("prompt", ["", "hello", "12+=", "x+3=", "3*x=10", "0*x=5", "1/2="])
def test_solver_rejects_what_is_not_a_problem(prompt):
    with pytest.raises(ParseError):
        parse(prompt)


def test_format_round_trips_and_rejects_what_does_not_fit():
    fmt = TaskFormat(prompt_len=10, answer_len=4)
    prompt = fmt.encode_prompt("123+45=")
    assert prompt[:3].tolist() == [0, 0, 0] and fmt.decode_prompt(prompt) == "123+45="
    assert fmt.decode_answer(fmt.encode_answer("168")) == "168"
    assert fmt.encode_answer("168").tolist()[:4] == [10, 8, 3, 1]  # reversed digits, eos
    assert TaskFormat(reverse_answer=False).encode_answer("168").tolist()[:3] == [3, 8, 10]
    with pytest.raises(TokenizeError):
        fmt.encode_answer("1234")
    with pytest.raises(TokenizeError):
        fmt.encode_prompt("12345+678901=")
    with pytest.raises(TokenizeError):
        fmt.encode_prompt("12 % 3")


def test_held_out_sets_are_fixed_balanced_and_scored_per_skill():
    a, b = ArithmeticDomain(eval_per_subskill=8), ArithmeticDomain(eval_per_subskill=8)
    ea, eb = a.eval_set(), b.eval_set()
    assert np.array_equal(ea.prompts, eb.prompts)
    assert np.bincount(ea.subskill).tolist() == [8] * 12
    predicted = np.stack([ea.answers, np.where(ea.subskill[:, None] < 2, ea.answers, 0)])
    acc = a.accuracy(a.score(predicted, ea))
    assert acc["overall"].tolist() == [1.0, pytest.approx(2 / 12)]
    assert acc["add"].tolist() == [1.0, 1.0] and acc["mul"].tolist() == [1.0, 0.0]


def test_score_ignores_whatever_follows_eos():
    domain = ArithmeticDomain(skills=("add",), eval_per_subskill=2)
    held_out = domain.eval_set()
    noisy = held_out.answers.copy()
    noisy[noisy == 0] = 7  # garbage after the eos
    assert domain.score(noisy[None], held_out).all()
    no_eos = np.where(held_out.answers == 1, 5, held_out.answers)
    assert not domain.score(no_eos[None], held_out).any()


def test_quality_check_counts_each_reason_and_can_keep_wrong_answers():
    domain = ArithmeticDomain(skills=("add", "sub"), format=TaskFormat(8, 3))
    prompts = ["1+2=", "1+2=", "oops", "3*4=", "1234+5678=", "50+50=", "9-4="]
    answers = ["3", "4", "1", "12", "6912", "100", " 5 "]
    kept, rejected = QualityCheck().run(domain, prompts, answers)
    assert rejected == {"unparsable": 1, "off_domain": 1, "too_long": 2, "wrong_answer": 1}
    assert len(kept) == 2 and kept.correct.all()
    assert [domain.subskills[s] for s in kept.subskill] == ["add/no-carry", "sub/no-borrow"]
    kept, rejected = QualityCheck(drop_wrong=False).run(domain, prompts, answers)
    assert len(kept) == 3 and kept.correct.tolist() == [True, False, True]


def test_programmatic_engine_writes_exactly_the_plan():
    domain = ArithmeticDomain()
    plan = Plan((domain.spec("add/carry", 7), domain.spec("word/sub", 5, digits=(2, 2))))
    out = ProgrammaticEngine().generate(plan, domain, np.random.default_rng(0))
    names = [domain.subskills[s] for s in out.examples.subskill]
    assert names == ["add/carry"] * 7 + ["word/sub"] * 5 and out.n_rejected == 0


def _reply(messages):
    return json.dumps({"examples": [
        {"question": "12+35=", "answer": "47"}, {"question": "12+35=", "answer": "48"},
        {"question": "twelve plus", "answer": "1"}, {"answer": "3"}, "not an object",
        {"Question": "7+8=", "Answer": 15},
    ]})


def test_llm_engine_through_a_real_http_server_checks_every_example():
    domain = ArithmeticDomain(skills=("add",))
    plan = Plan((domain.spec("add/no-carry", 6),))
    with StubChatServer(reply=_reply) as server:
        out = LLMEngine(server.backend(), batch_size=6).generate(
            plan, domain, np.random.default_rng(0))
        assert len(server.requests) == 1
        assert "add (no-carry)" in server.requests[0].body["messages"][-1]["content"]
    assert len(out.examples) == 2  # 12+35=47 and 7+8=15 (labelled carry, by the solver)
    assert [domain.subskills[s] for s in out.examples.subskill] == ["add/no-carry", "add/carry"]
    assert out.rejected["unparsable"] == 3 and out.rejected["wrong_answer"] == 1


def test_llm_engine_counts_an_unparsable_reply_as_rejected_problems():
    domain = ArithmeticDomain(skills=("add",))
    plan = Plan((domain.spec("add/carry", 5),))
    with StubChatServer(reply="I cannot help with that.") as server:
        out = LLMEngine(server.backend(), batch_size=4).generate(
            plan, domain, np.random.default_rng(0))
        assert len(server.requests) == 2  # 4 + 1
    assert len(out.examples) == 0 and out.rejected["unparsable"] == 5
    with StubChatServer(mode=StubMode.SERVER_ERROR) as server, pytest.raises(LLMError):
        LLMEngine(server.backend()).generate(plan, domain, np.random.default_rng(0))


def test_llm_engine_offline_writes_what_the_plan_asks():
    domain = ArithmeticDomain()
    plan = Plan((domain.spec("equation/x-times", 20),))
    out = LLMEngine(OfflineBackend(seed=3), batch_size=8).generate(
        plan, domain, np.random.default_rng(0))
    assert len(out.examples) == 20 and out.n_rejected == 0
    assert {domain.subskills[s] for s in out.examples.subskill} == {"equation/x-times"}


def test_inferred_skills_agree_with_true_labels_and_sample_per_cluster():
    domain = ArithmeticDomain(eval_per_subskill=16)
    held_out = domain.eval_set()
    clusters = SkillClusters.fit(held_out.prompts, n_skills=6, seed=0)
    agree = clusters.agreement(held_out.prompts, domain.skill_of[held_out.subskill])
    assert agree["purity"] > 0.7 and agree["ari"] > 0.5
    shuffled = np.random.default_rng(0).permutation(domain.skill_of[held_out.subskill])
    assert clusters.agreement(held_out.prompts, shuffled)["ari"] < 0.1
    pool = Plan(tuple(domain.spec(s, 8) for s in domain.subskills))
    counts = np.array([5, 0, 3, 0, 0, 2])
    got, _ = clusters.sample(ProgrammaticEngine(), pool, domain, counts,
                             np.random.default_rng(0))
    assert np.bincount(clusters.predict(got.prompts), minlength=6).tolist() == counts.tolist()
