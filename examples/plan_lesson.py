"""Plan a fractions lesson for a simulated class and improve it with the optimizer loop.

Run: python examples/plan_lesson.py  (offline; set EDUSIM_LLM_MODEL and OPENAI_BASE_URL to use
a language model instead of the rule-based agents).
"""

from __future__ import annotations

from edusim.curriculum import load_builtin
from edusim.llm import make_backend
from edusim.planning import OptimizerConfig, optimize_plan, render_history, simulate_profile

curriculum = load_builtin("fractions")
profile = simulate_profile(curriculum, "intermediate", n_learners=30, seed=0)
result = optimize_plan(
    curriculum,
    profile,
    ["add_unlike"],
    backend=make_backend(),
    config=OptimizerConfig(rounds=4),
    on_round=lambda r: print(f"round {r.index}: overall {r.scores.overall:.1f}"),
)
print(render_history(result.rounds, result.best_index))
print(result.best.plan.to_markdown())
