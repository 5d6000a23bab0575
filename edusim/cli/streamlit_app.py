"""``edusim app``: the Streamlit app for educators, served on this machine."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import typer

__all__ = ["register", "app_script", "streamlit_command"]

APP_FILE = "edusim_app.py"
#: Largest upload Streamlit accepts, in MB (the pages also check and explain it).
MAX_UPLOAD_MB = 20


def app_script() -> Path:
    """The app's entry script: ``edusim.apps`` when installed, else the source checkout's.

    Raises:
        FileNotFoundError: When neither exists.
    """
    spec = importlib.util.find_spec("edusim.apps")
    candidates = [Path(p) / APP_FILE for p in (spec.submodule_search_locations or [])] if (
        spec is not None) else []
    candidates.append(Path(__file__).resolve().parents[2] / "apps" / APP_FILE)
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(f"the app script {APP_FILE} was not found (looked in "
                            f"{', '.join(str(p.parent) for p in candidates)})")


def streamlit_command(script: Path, host: str, port: int) -> list[str]:
    """The ``streamlit run`` command line that serves ``script`` on ``host:port``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        "--browser.gatherUsageStats", "false",
        "--theme.base", "light",
        "--client.toolbarMode", "viewer",
    ]


def app(
    port: int = typer.Option(8501, min=1, max=65535, help="Port to serve on."),
    host: str = typer.Option(
        "127.0.0.1", help="Address to listen on (127.0.0.1: only this computer can connect)."
    ),
) -> None:
    """Start the app for educators (Tutor, Lesson planner, Curriculum lab, Data explorer).

    Open the printed address in a web browser; stop the app with Ctrl+C.
    """
    if importlib.util.find_spec("streamlit") is None:
        typer.echo("the app needs Streamlit: pip install 'edusim-gym[app]'", err=True)
        raise typer.Exit(1)
    try:
        script = app_script()
    except FileNotFoundError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"edusim app: open http://{host}:{port} in your browser (Ctrl+C stops it)")
    process = subprocess.Popen(streamlit_command(script, host, port))
    try:
        code = process.wait()
    except KeyboardInterrupt:
        code = process.wait()
    if code:
        raise typer.Exit(code)


def register(main: typer.Typer) -> None:
    main.command(name="app")(app)
