"""Lesson planner: a lesson plan for a class, scored, improved over rounds, and simulated."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import ui_common
import ui_data
import ui_settings

from edusim.curriculum import Curriculum, builtin_names, load_builtin
from edusim.llm import LLMError
from edusim.planning import (
    CRITERIA,
    DEFINITIONS,
    LEVELS,
    GroupProfile,
    OptimizerConfig,
    PlannerConfig,
    PlanningError,
    PlanningResult,
    gain_sentence,
    optimize_plan,
    profile_from_interactions,
    render_history,
    render_markdown,
    simulate_profile,
    suggest_targets,
)

SIMULATED = "A simulated class"
SAMPLE = "The shipped sample class (answer log)"
UPLOAD = "My class's answer log (CSV file)"


@st.cache_data(show_spinner=False)
def _curriculum(name: str) -> Curriculum:
    return load_builtin(name)


def _profile(curriculum: Curriculum) -> GroupProfile | None:
    source = st.radio("Class profile", [SIMULATED, SAMPLE, UPLOAD], key="planner_source",
                      help="What the class knows before the lesson.")
    if source == SIMULATED:
        left, right = st.columns(2)
        level = left.selectbox("Level", list(LEVELS), index=1, key="planner_level",
                               help="How far the class has got in the curriculum.")
        size = right.slider("Learners", 5, 60, 25, key="planner_size")
        return simulate_profile(curriculum, level, size, seed=0)
    if source == SAMPLE:
        frame = ui_common.guarded(ui_data.sample, "load the sample", ui_data.LOAD_ERRORS)
    else:
        uploaded = ui_common.upload(
            "Answer log: one row per answer, with the columns user_id, item_id, skill_ids, "
            "correct (1 or 0) and timestamp", "planner_upload",
            "skill_ids names the curriculum's skills the question practises, separated by ';' "
            "(the shipped sample class shows the format).",
        )
        if uploaded is None:
            return None
        frame = ui_common.guarded(lambda: ui_data.uploaded(ui_data.CANONICAL, (uploaded,)),
                                  "read the answer log", ui_data.LOAD_ERRORS)
    if frame is None:
        return None
    return ui_common.guarded(lambda: profile_from_interactions(frame, curriculum),
                             "build the class profile", (PlanningError,))


def _graph(curriculum: Curriculum, profile: GroupProfile, targets: list[str]) -> str:
    """The skill graph in Graphviz DOT: green by class mastery, targets outlined in red."""
    graph = curriculum.graph
    lines = ['digraph { rankdir=LR; node [shape=box, style="rounded,filled", fontsize=10];']
    for skill in graph.skills:
        mastery = profile.mastery_of(skill)
        fill = f"0.33 {0.1 + 0.6 * mastery:.2f} 0.95"
        edge = 'color="#cc0000", penwidth=3' if skill in targets else 'color="#888888"'
        label = f"{graph.name(skill)}\\n{mastery:.0%} mastered"
        lines.append(f'"{skill}" [label="{label}", fillcolor="{fill}", {edge}];')
    lines += [f'"{a}" -> "{b}";' for a, b in graph.edges]
    return "\n".join(lines + ["}"])


def _run(curriculum, profile, targets, minutes, rounds) -> PlanningResult | None:
    backend = ui_settings.backend()
    if backend is None:
        return None
    config = OptimizerConfig(rounds=rounds, class_size=1000,
                             planner=PlannerConfig(duration_minutes=float(minutes)))
    status = st.status("Planning...", expanded=False)

    def progress(version) -> None:
        name = "First draft" if version.index == 0 else f"Revision {version.index}"
        status.write(f"{name}: overall score {version.scores.overall:.1f} of 100, "
                     f"{version.plan.planned_minutes:g} of {minutes} minutes")

    try:
        result = optimize_plan(curriculum, profile, targets, backend, config, on_round=progress)
    except LLMError as exc:
        status.update(label="The language backend failed", state="error")
        ui_settings.report_failure(exc)
        return None
    except PlanningError as exc:
        status.update(label="Planning failed", state="error")
        st.error(f"Could not plan this lesson: {exc}")
        return None
    status.update(label=f"Planned in {len(result.rounds)} versions", state="complete")
    return result


def _show(result: PlanningResult) -> None:
    best = result.best
    ui_settings.answered_by(best.backend)
    name = "the first draft" if best.index == 0 else f"revision {best.index}"
    st.markdown(f"The best version is **{name}** (the highest overall score of the "
                f"{len(result.rounds)} versions). It takes **{best.plan.planned_minutes:g} of "
                f"{best.plan.duration_minutes:g} minutes**.")
    overall, minutes, gain, scope = st.columns(4)
    overall.metric("Overall score (of 100)", f"{best.scores.overall:.1f}",
                   f"{best.scores.overall - result.draft.scores.overall:+.1f} vs first draft",
                   help="The mean of the five criteria below.")
    minutes.metric(f"Minutes used (of {best.plan.duration_minutes:g})",
                   f"{best.plan.planned_minutes:g}",
                   help="A plan never runs longer than the lesson.")
    gain.metric("Simulated gain (points)", f"{best.utility.gain * 100:+.1f}",
                help=gain_sentence(best.utility))
    scope.metric("Gain on these skills (points)", f"{best.utility.scope_gain * 100:+.1f}",
                 help="The same, counting only the post-test questions on the skills this "
                 "lesson teaches or reviews.")
    scores, history = st.columns(2)
    with scores:
        st.subheader("Five criteria (of 100)")
        chart = pd.DataFrame({"criterion": list(CRITERIA),
                              "score": [getattr(best.scores, c) for c in CRITERIA]})
        st.bar_chart(chart, x="criterion", y="score", horizontal=True, sort=False, height=220,
                     x_label="", y_label="score (of 100)")
        st.markdown("\n".join(f"- **{c}**: {DEFINITIONS[c]}" for c in CRITERIA))
    with history:
        st.subheader("Overall score of each version")
        rounds = pd.DataFrame({"version": [r.index for r in result.rounds],
                               "overall score": [r.scores.overall for r in result.rounds]})
        st.line_chart(rounds, x="version", y="overall score", height=220,
                      x_label="version (0 = first draft)")
        st.caption("Each version revises the one before it where it scored lowest.")
    with st.expander("Scores of every version, with what changed"):
        st.markdown(render_history(result.rounds, result.best_index))
    st.subheader("The plan")
    markdown = render_markdown(best.plan, best.scores, best.utility)
    st.download_button("Download the plan (Markdown)", markdown, file_name="lesson_plan.md",
                       mime="text/markdown", key="planner_download")
    with st.container(border=True, height=650):
        st.markdown(markdown)


st.title("Lesson planner")
st.markdown("Describe your class and choose what to teach; the planner drafts a lesson, scores "
            "it on five criteria, revises it over a few rounds, and tries each version on a "
            "simulated class like yours.")
curriculum = _curriculum(st.selectbox("Curriculum", builtin_names(), key="planner_curriculum"))
profile = _profile(curriculum)
if profile is not None:
    st.caption(f"Class: {profile.n_learners} learners ({profile.source}).")
    names = {s: curriculum.graph.name(s) for s in curriculum.graph.skills}
    suggested = list(suggest_targets(curriculum, profile))
    targets = st.multiselect("Skills to teach", list(names), default=suggested,
                             format_func=names.get, key="planner_targets",
                             help="Suggested: the least mastered skills the class is ready for.")
    st.graphviz_chart(_graph(curriculum, profile, targets))
    st.caption("Skills and their prerequisites (arrows). Greener: more of the class has "
               "mastered the skill. Red outline: the skills you chose to teach.")
    left, right = st.columns(2)
    minutes = left.slider("Lesson length (minutes)", 20, 90, 45, step=5, key="planner_minutes")
    rounds = right.slider("Revision rounds", 0, 6, 3, key="planner_rounds")
    why = None if targets else "Choose at least one skill to teach first."
    if st.button("Plan the lesson", type="primary", disabled=why is not None, help=why):
        st.session_state["planner_result"] = _run(curriculum, profile, targets, minutes, rounds)
    if why:
        st.caption(why)
    if st.session_state.get("planner_result") is not None:
        _show(st.session_state["planner_result"])
