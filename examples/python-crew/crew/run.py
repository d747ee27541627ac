#!/usr/bin/env python3
"""The Python crew, with CrewAI (`pip install crewai`).

crewstream runs this program in the crew's folder and streams what it reports:

- each agent step is written to stderr by `_step_callback` as one JSON line,
  {"type": "progress", "agent": <role>, "task": <first line of the task>, "timestamp": <iso>},
  which crewstream turns into `task.start` / `agent.step` / `task.end` events;
- anything else on stderr (logs, warnings, a traceback) is kept as a diagnostic;
- the final result is printed on stdout and becomes the run's result.

Inputs come as `--inputs '<json>'` (crewstream also writes the same JSON on stdin).
The model is CREWSTREAM_MODEL when set (a LiteLLM string such as openai/gpt-4o-mini or
anthropic/claude-3-5-haiku-latest), else the agent's `llm:` in agents.yaml, else
openai/gpt-4o-mini; keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY.
"""
import argparse
import contextlib
import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import yaml
from crewai import Agent, Crew, Process, Task

CONFIG = Path(__file__).resolve().parent.parent / "config"
DEFAULT_MODEL = "openai/gpt-4o-mini"

# The task in progress. Tasks run one after another (Process.sequential), so the index moves
# on when CrewAI reports a finished task through `task_callback`.
_state = {"tasks": [], "index": 0}


def _first_line(text):
    for line in str(text).splitlines():
        if line.strip():
            return line.strip()
    return ""


def _step_kind(step):
    """What kind of step CrewAI reported: an answer, a tool use, or a thought."""
    if type(step).__name__ == "AgentFinish":
        return "answer"
    if getattr(step, "tool", None):
        return "tool"
    return "thought"


def _step_text(step):
    for field in ("output", "thought", "text", "result"):
        value = getattr(step, field, None)
        if isinstance(value, str) and value.strip():
            return value.strip()[:2000]
    return ""


def _step_callback(step):
    """Writes one progress line per agent step on stderr, flushed so it arrives at once."""
    tasks = _state["tasks"]
    task = tasks[min(_state["index"], len(tasks) - 1)] if tasks else None
    role = task.agent.role if task is not None and task.agent is not None else ""
    line = {
        "type": "progress",
        "agent": role,
        "task": _first_line(task.description) if task is not None else "",
        "timestamp": datetime.now(timezone.utc).isoformat(),
        "kind": _step_kind(step),
    }
    text = _step_text(step)
    if text:
        line["text"] = text
    sys.stderr.write(json.dumps(line) + "\n")
    sys.stderr.flush()


def _task_callback(_output):
    _state["index"] += 1


def _read_inputs():
    parser = argparse.ArgumentParser(description="Run the Python crew.")
    parser.add_argument("--inputs", help="the run's inputs as a JSON object")
    args = parser.parse_args()
    if args.inputs is not None:
        return json.loads(args.inputs)
    if not sys.stdin.isatty():
        text = sys.stdin.read().strip()
        if text:
            return json.loads(text)
    return {}


def _model(config):
    chosen = os.environ.get("CREWSTREAM_MODEL")
    if chosen and chosen != "offline":
        return chosen
    return config.get("llm") or DEFAULT_MODEL


def build_crew():
    agents_config = yaml.safe_load((CONFIG / "agents.yaml").read_text(encoding="utf-8"))
    tasks_config = yaml.safe_load((CONFIG / "tasks.yaml").read_text(encoding="utf-8"))
    agents = {
        key: Agent(
            role=config["role"],
            goal=config["goal"],
            backstory=config["backstory"],
            llm=_model(config),
            allow_delegation=bool(config.get("allow_delegation", False)),
            verbose=False,
        )
        for key, config in agents_config.items()
    }
    tasks = {}
    for key, config in tasks_config.items():
        tasks[key] = Task(
            description=config["description"],
            expected_output=config["expected_output"],
            agent=agents[config["agent"]],
            context=[tasks[name] for name in config.get("context", [])],
        )
    _state["tasks"] = list(tasks.values())
    return Crew(
        agents=list(agents.values()),
        tasks=list(tasks.values()),
        process=Process.sequential,
        step_callback=_step_callback,
        task_callback=_task_callback,
        verbose=False,
    )


def main():
    inputs = _read_inputs()
    crew = build_crew()
    # Whatever CrewAI or a library prints goes to stderr, so stdout holds only the result.
    with contextlib.redirect_stdout(sys.stderr):
        result = crew.kickoff(inputs=inputs)
    print(getattr(result, "raw", None) or str(result))


if __name__ == "__main__":
    main()
