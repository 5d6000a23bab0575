"""Curriculum lab: teachers on a simulated class, compared side by side."""

from __future__ import annotations

import inspect
import re

import gymnasium as gym
import pandas as pd
import streamlit as st
import ui_common
from gymnasium.envs.registration import load_env_creator

from edusim import agents, learners
from edusim.envs import ENV_IDS
from edusim.experiments import evaluate, summarize
from edusim.experiments.plots import gain_figure, mastery_figure
from edusim.experiments.skill_mastery import skill_heatmap_figure, skill_mastery

RUN_ERRORS = (ValueError, TypeError, KeyError, gym.error.Error)
METRICS = {
    "learning_gain": "learning gain (post-test)",
    "final_mastery": "final mastery",
    "items_to_mastery": "items to 95% mastery",
}


def _env_parameters(env_id: str) -> set[str]:
    creator = load_env_creator(gym.spec(env_id).entry_point)
    return set(inspect.signature(creator).parameters)


def _env_label(env_id: str) -> str:
    """The id and the first line of the environment's docstring (what it simulates)."""
    doc = inspect.getdoc(load_env_creator(gym.spec(env_id).entry_point)) or ""
    summary = doc.splitlines()[0].rstrip(".") if doc else ""
    summary = re.sub(r":\w+:`~?(?:[\w.]+\.)?(\w+)`", r"\1", summary).replace("``", "")
    return f"{env_id}: {summary}" if summary else env_id


@st.cache_data(show_spinner=False)
def _usable_teachers(env_id: str) -> list[str]:
    """Teachers that can act in ``env_id`` with their default settings."""
    return agents.compatible(gym.make(env_id))


def _choices() -> tuple[str, dict, list[str], int]:
    left, right = st.columns(2)
    env_id = left.selectbox(
        "Environment",
        ENV_IDS,
        format_func=_env_label,
        help="Tutor: the teacher picks practice items of the fractions curriculum (22 skills). "
        "TaskSpace: a continuous task space (for task-sampling teachers).",
    )
    env_kwargs: dict = {}
    preset = gym.spec(env_id).kwargs.get("learner")
    if preset is not None:
        left.caption(f"Learner model: {preset} (set by this environment).")
    elif "learner" in _env_parameters(env_id):
        models = learners.LEARNERS
        env_kwargs["learner"] = left.selectbox(
            "Learner model",
            learners.names(),
            format_func=models.display_name,
            help="\n\n".join(models.describe().values()),
        )
    else:
        left.caption("This environment has its own learner; no learner model to choose.")
    class_size = right.slider("Class size (simulated learners per teacher)", 2, 40, 8)
    env_kwargs["max_episode_steps"] = right.slider("Lesson length (items practised)", 10, 200, 60)
    names = _usable_teachers(env_id)
    baselines = agents.names(family="baseline")
    teachers = st.multiselect(
        "Teachers (strategies to compare)",
        names,
        default=[t for t in baselines if t in names],
        format_func=agents.TEACHERS.display_name,
        help="\n\n".join(agents.TEACHERS.describe()[n] for n in names),
    )
    return env_id, env_kwargs, teachers, class_size


def _run(env_id: str, env_kwargs: dict, teachers: list[str], class_size: int) -> None:
    """Run seed by seed, keeping finished learners in session state (Stop keeps them)."""
    state = st.session_state
    state["lab_partial"] = {"config": (env_id, teachers, class_size), "frames": [], "heat": []}
    stop_slot = st.empty()
    stop_slot.button("Stop the run", help="Stops after the current learner; keeps the results.")
    bar = st.progress(0.0, text="Starting...")
    total = class_size * len(teachers)
    for seed in range(class_size):
        def done(finished: int, _jobs: int, seed: int = seed) -> None:
            count = seed * len(teachers) + finished
            bar.progress(count / total, text=f"Simulated {count} of {total} learner runs")

        frame = evaluate(env_id, teachers, [seed], env_kwargs=env_kwargs, workers=1,
                         on_job_done=done)
        state["lab_partial"]["frames"].append(frame)
    bar.progress(1.0, text="Drawing per-skill mastery...")
    heat = []
    for teacher in teachers:
        try:
            heat.append(skill_mastery(env_id, teacher, class_size, env_kwargs))
        except ValueError:
            st.info("Per-skill heatmaps need an environment with a skill curriculum "
                    "(the Tutor environments).")
            break
    state["lab_partial"]["heat"] = heat
    _finish(stopped=False)
    bar.empty()
    stop_slot.empty()


def _finish(stopped: bool) -> None:
    partial = st.session_state.pop("lab_partial")
    if not partial["frames"]:
        return
    st.session_state["lab_result"] = {
        "config": partial["config"],
        "results": pd.concat(partial["frames"], ignore_index=True),
        "heat": partial["heat"],
        "stopped": stopped,
    }


def _show(result: dict) -> None:
    env_id, teachers, class_size = result["config"]
    results = result["results"]
    learners_done = results["seed"].nunique()
    if result["stopped"]:
        st.warning(f"Stopped early: results for {learners_done} of {class_size} learners.")
    st.subheader(f"Results: {', '.join(teachers)} on {env_id}, {learners_done} learners each")
    summary = summarize(results)
    st.markdown("Mean over learners, with the 95% confidence interval in brackets.")
    st.dataframe(ui_common.ci_table(summary, METRICS), hide_index=True)
    st.download_button(
        "Download per-learner results (CSV)",
        results.drop(columns=["mastery_curve"]).to_csv(index=False),
        file_name="curriculum_lab_results.csv",
        mime="text/csv",
    )
    left, right = st.columns(2)
    with left:
        if results["mastery_curve"].map(len).sum():
            ui_common.figure(mastery_figure(results, "Mean mastery over the lesson"))
        else:
            st.caption("This environment does not report mastery over time.")
    with right:
        ui_common.figure(gain_figure(summary))
    if result["heat"]:
        st.subheader("Which skills each teacher got the class to master")
        st.caption("Each row is a skill (in curriculum order), each column a practised item; "
                   "darker green means more of the class has mastered the skill.")
        ui_common.figure(skill_heatmap_figure(result["heat"]))


st.title("Curriculum lab")
st.markdown("Compare teaching strategies on a simulated class. Every teacher meets the same "
            "simulated learners, so differences come from the teaching, not from luck.")
if "lab_partial" in st.session_state:  # the last run was interrupted by Stop
    _finish(stopped=True)
env_id, env_kwargs, teachers, class_size = _choices()
if st.button("Run the class", type="primary"):
    if not teachers:
        st.error("Choose at least one teacher.")
    else:
        ui_common.guarded(
            lambda: _run(env_id, env_kwargs, teachers, class_size), "run the class", RUN_ERRORS
        )
        st.session_state.pop("lab_partial", None)
if "lab_result" in st.session_state:
    _show(st.session_state["lab_result"])
