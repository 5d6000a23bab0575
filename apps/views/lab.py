"""Curriculum lab: teachers on a simulated class, compared side by side."""

from __future__ import annotations

import dataclasses
import inspect

import gymnasium as gym
import pandas as pd
import streamlit as st
import ui_common
import ui_names
import ui_results
import ui_settings
from gymnasium.envs.registration import load_env_creator

from edusim import agents, learners
from edusim.config import config_fields
from edusim.envs import ENV_IDS
from edusim.experiments import TeacherSpec, evaluate, summarize
from edusim.experiments.plots import mastery_figure
from edusim.experiments.skill_mastery import skill_heatmap_figure, skill_mastery
from edusim.llm import LLMError, OfflineBackend

RUN_ERRORS = (ValueError, TypeError, KeyError, gym.error.Error)


def _env_parameters(env_id: str) -> set[str]:
    """The keyword arguments the environment takes (its config's fields, or its signature)."""
    creator = load_env_creator(gym.spec(env_id).entry_point)
    config = getattr(getattr(creator, "core", None), "config_class", None)
    if config is not None:
        return set(config_fields(config))
    return set(inspect.signature(creator).parameters)


@st.cache_data(show_spinner=False)
def _has_skills(env_id: str) -> bool:
    """Whether the environment teaches a skill curriculum (its mastery is of skills)."""
    return getattr(gym.make(env_id).unwrapped, "curriculum", None) is not None


@st.cache_data(show_spinner=False)
def _usable_teachers(env_id: str) -> list[str]:
    """Teachers that can act in ``env_id`` with their default settings."""
    return agents.compatible(gym.make(env_id))


def _speaks(name: str) -> bool:
    """Whether a teacher asks a chat backend (its config has a ``backend`` field)."""
    return "backend" in config_fields(agents.teacher_class(name).config_class)


def _language_note(teachers: list[str]) -> str | None:
    """What the language-model teachers will use: the sidebar's server, or offline rules."""
    speaking = [ui_names.teacher(t) for t in teachers if _speaks(t)]
    if not speaking:
        return None
    who = ", ".join(speaking)
    settings = ui_settings.settings()
    if settings.kind.value == "offline":
        return (f"{who}: no language model is used. The sidebar's backend is offline, so it "
                "falls back to its built-in rules: it practises the first skill whose "
                "prerequisites look mastered, as Mastery threshold does, so expect the same "
                "results. Choose an OpenAI-compatible server in the sidebar to use a model.")
    return f"{who}: asks the model {settings.model or '(none set)'} at {settings.base_url}."


def _choices() -> tuple[str, dict, list[str], int]:
    left, right = st.columns(2)
    env_id = left.selectbox("Environment", ENV_IDS, format_func=ui_names.env,
                            help=ui_names.described(ENV_IDS, ui_names.env, ui_names.env_about))
    left.caption(ui_names.env_about(env_id))
    env_kwargs: dict = {}
    preset = gym.spec(env_id).kwargs.get("learner")
    if preset is not None:
        left.caption(f"Learner model: {ui_names.learner(preset)} (set by this environment). "
                     f"{ui_names.learner_about(preset)}")
    elif "learner" in _env_parameters(env_id):
        models = learners.names()
        model = left.selectbox("Learner model", models, format_func=ui_names.learner,
                               help=ui_names.described(models, ui_names.learner,
                                                       ui_names.learner_about))
        left.caption(ui_names.learner_about(model))
        env_kwargs["learner"] = model
    else:
        left.caption("This environment has its own learner; no learner model to choose.")
    class_size = right.slider("Class size (simulated learners per teacher)", 2, 40, 8)
    env_kwargs["max_episode_steps"] = right.slider("Lesson length (items practised)", 10, 200, 60)
    names = _usable_teachers(env_id)
    baselines = agents.names(family="baseline")
    teachers = st.multiselect(
        "Teachers (strategies to compare)", names,
        default=[t for t in baselines if t in names], format_func=ui_names.teacher,
        help=ui_names.described(names, ui_names.teacher, ui_names.teacher_about),
    )
    if teachers:
        with st.expander("What these teachers do"):
            st.markdown(ui_names.described(teachers, ui_names.teacher, ui_names.teacher_about))
    note = _language_note(teachers)
    if note:
        st.info(note)
    return env_id, env_kwargs, teachers, class_size


def _specs(teachers: list[str]) -> list[TeacherSpec] | None:
    """The teachers to run; language-model teachers get the sidebar's backend."""
    backend = None
    if any(_speaks(t) for t in teachers):
        backend = ui_settings.backend()
        if backend is None:
            return None
    return [
        TeacherSpec(t, {"backend": backend}, label=t)
        if _speaks(t) and not isinstance(backend, OfflineBackend) else TeacherSpec(t)
        for t in teachers
    ]


def _start(env_id: str, env_kwargs: dict, teachers: list[str], class_size: int) -> None:
    """Run the class in this script run, one learner of every teacher at a time.

    The results so far live in the session after every learner, so a run cut short by any
    Stop (the page's button, Streamlit's own, a changed setting) keeps them: the next script
    run finds the run unfinished and ends it (see the module end).
    """
    specs = _specs(teachers)
    if specs is None:
        return
    run = st.session_state["lab_run"] = {
        "config": (env_id, teachers, class_size), "env_kwargs": env_kwargs, "specs": specs,
        "frames": [], "heat": [],
    }
    stop = st.empty()  # cleared with the progress when the run is done
    stop.button("Stop the run", key="lab_stop", help="Stops now and keeps the results so far. "
                "The Stop button at the top of the page stops it too.")
    so_far, bar = st.empty(), st.progress(0.0, text="Starting...")
    total = class_size * len(specs)
    for seed in range(class_size):

        def done(finished: int, _jobs: int, seed: int = seed) -> None:
            count = seed * len(specs) + finished
            bar.progress(count / total, text=f"Simulated {count} of {total} learner runs")

        try:
            frame = evaluate(env_id, specs, [seed], env_kwargs=env_kwargs, workers=1,
                             on_job_done=done)
        except LLMError as exc:
            ui_settings.report_failure(exc)
            _finish(stopped=True)
            return
        run["frames"].append(frame)
        with so_far.container():  # shown until the end, and kept by a Stop
            st.caption(f"So far ({seed + 1} learners per teacher):")
            summary = summarize(pd.concat(run["frames"], ignore_index=True))
            st.dataframe(ui_results.results_table(summary, ui_names.teacher), hide_index=True)
    for spec in specs:
        name = ui_names.teacher(spec.name)
        bar.progress(1.0, text=f"Per-skill mastery of {name}...")
        try:
            trace = skill_mastery(env_id, spec, class_size, env_kwargs)
        except ValueError:  # no skill curriculum: no heatmaps
            break
        run["heat"].append(dataclasses.replace(trace, teacher=name))
    for element in (stop, so_far, bar):
        element.empty()
    _finish(stopped=False)


def _finish(stopped: bool) -> None:
    """Keep the run's results (all of them, or those so far when it was stopped)."""
    run = st.session_state.pop("lab_run", None)
    if not run or not run["frames"]:
        return
    st.session_state["lab_result"] = {
        "config": run["config"],
        "results": pd.concat(run["frames"], ignore_index=True),
        "heat": [h for h in run["heat"] if h is not None],
        "stopped": stopped,
    }


def _show(result: dict) -> None:
    env_id, teachers, class_size = result["config"]
    results = result["results"]
    learners_done = results["seed"].nunique()
    if result["stopped"] and learners_done < class_size:
        st.warning(f"Stopped early: results for {learners_done} of {class_size} learners.")
    elif result["stopped"]:
        st.warning(f"Stopped while drawing the per-skill charts: all {class_size} learners are "
                   f"in the results, charts for {len(result['heat'])} of {len(teachers)} "
                   "teachers.")
    st.subheader(f"Results on {ui_names.env(env_id)}: {learners_done} simulated learners "
                 "per teacher")
    summary = summarize(results)
    st.markdown(f"**{ui_results.verdict(summary, ui_names.teacher, _has_skills(env_id))}**")
    table = ui_results.results_table(summary, ui_names.teacher)
    st.dataframe(table, hide_index=True)
    shown = [m for m, (title, _) in ui_results.METRICS.items() if title in table]
    st.caption("Mean over the learners, with the range the true mean lies in 19 times out of "
               "20 in brackets. " + "; ".join(
                   f"*{ui_results.METRICS[m][0]}*: {ui_results.MEANINGS[m]}" for m in shown)
               + ".")
    st.download_button(
        "Download per-learner results (CSV)",
        results.drop(columns=["mastery_curve"]).to_csv(index=False),
        file_name="curriculum_lab_results.csv",
        mime="text/csv",
    )
    named = results.assign(teacher=results["teacher"].astype(str).map(ui_names.teacher))
    left, right = st.columns(2)
    with left:
        if results["mastery_curve"].map(len).sum():
            ui_common.figure(mastery_figure(named, "Mean mastery over the lesson"))
        else:
            st.caption("This environment does not report mastery over time.")
    with right:
        st.markdown("**Post-test gain per teacher (percentage points)**")
        gains = pd.DataFrame({"teacher": [ui_names.teacher(t) for t in summary["teacher"]],
                              "gain (points)": summary["learning_gain"] * 100})
        st.bar_chart(gains, x="teacher", y="gain (points)", horizontal=True, sort=False,
                     height=80 + 40 * len(gains), x_label="", y_label="gain (points)")
    if result["heat"]:
        st.subheader("Which skills each teacher got the class to master")
        st.caption("Each row is a skill (in curriculum order), each column a practised item; "
                   "darker green means more of the class has mastered the skill.")
        ui_common.figure(skill_heatmap_figure(result["heat"]))


st.title("Curriculum lab")
st.markdown("Compare teaching strategies on a simulated class. Every teacher meets the same "
            "simulated learners, so differences come from the teaching, not from luck.")
# A run happens inside the script run of its "Run the class" click. A script run that finds
# one unfinished was started by what cut it short (the Stop button, a changed setting, or the
# first click after Streamlit's own Stop): it ends the run and shows the results so far.
if "lab_run" in st.session_state:
    _finish(stopped=True)
env_id, env_kwargs, teachers, class_size = _choices()
why = None if teachers else "Choose at least one teacher to compare."
if st.button("Run the class", type="primary", disabled=why is not None, help=why):
    st.session_state.pop("lab_result", None)
    ui_common.guarded(lambda: _start(env_id, env_kwargs, teachers, class_size),
                      "start the run", RUN_ERRORS)
if why:
    st.caption(why)
if "lab_result" in st.session_state:
    _show(st.session_state["lab_result"])
