"""Compare the rule-based and random-move tutors on MathDial against simulated students.

Run: python examples/tutor_eval.py [path/to/dialogues.jsonl]
"""

import sys

from edusim.tutoring import builtin_problems_path, evaluate_tutor, load_cases, reference_metrics

path = sys.argv[1] if len(sys.argv) > 1 else builtin_problems_path()
cases = load_cases(path)
rows = {
    name: evaluate_tutor(cases, name, seeds=[0, 1, 2]).metrics() for name in ("offline", "random")
}
human = reference_metrics(cases)
if human is not None:
    rows["human (reference dialogues)"] = human
for name, m in rows.items():
    print(
        f"{name:28s} Success@7 {m['success_at_k'][6]:.3f}  Telling@7 {m['telling_at_k'][6]:.3f}  "
        f"moves " + ", ".join(f"{k} {v:.0%}" for k, v in m["moves"].items())
    )
