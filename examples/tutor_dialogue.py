"""Play one tutoring dialogue step by step, the way the app does.

Run: python examples/tutor_dialogue.py
With a model server: EDUSIM_LLM_MODEL=... OPENAI_BASE_URL=http://127.0.0.1:8000/v1 python ...
"""

from edusim.llm import make_backend
from edusim.tutoring import (
    BackendTutor,
    SimulatedStudent,
    TutoringSession,
    builtin_problems_path,
    load_cases,
)

case = load_cases(builtin_problems_path())[1]
backend = make_backend()  # offline (rule-based) unless EDUSIM_LLM_MODEL is set
session = TutoringSession(case, BackendTutor(backend), SimulatedStudent(case, seed=0))

print("Problem:", case.problem.question)
print("Student's solution:", " | ".join(case.incorrect_solution))
while not session.done:
    answer = session.tutor_turn()
    print(f"Tutor ({answer.value.move.value}, via {answer.backend}): {answer.value.text}")
    print("Student:", session.student_turn().text)
status = session.status()
print(f"solved at student turn {status.solved_at}; answer told at tutor turn {status.told_at}")
print("mastery per step:", [round(m, 2) for m in status.mastery])
