#!/usr/bin/env python3
"""The Python crew, with CrewAI (`pip install crewai`).

crewstream runs this program in the crew's folder and streams what it does. The two lines
marked below are all it takes: `crewstream_bridge` (shipped with crewstream, which puts it on
PYTHONPATH; `crewstream init --python` copies it next to this file) listens to CrewAI's
event bus and writes crewstream events on stderr: tasks starting and ending with their
tokens, agent steps, tool calls and results, the answer's text as it streams, and human
input requests (tasks with `human_input: true`), answered through crewstream.

- anything else on stderr (logs, warnings, a traceback) is kept as a diagnostic;
- the final result is printed on stdout and becomes the run's result.

Inputs come as `--inputs '<json>'` (crewstream also writes the same JSON as the first line
on stdin). The model is CREWSTREAM_MODEL when set (a LiteLLM string such as
openai/gpt-4o-mini or anthropic/claude-3-5-haiku-latest), else the agent's `llm:` in
agents.yaml, else openai/gpt-4o-mini; keys come from OPENAI_API_KEY, ANTHROPIC_API_KEY,
OPENROUTER_API_KEY.
"""
import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

import yaml
from crewai import LLM, Agent, Crew, Process, Task

import crewstream_bridge  # 1. the bridge

CONFIG = Path(__file__).resolve().parent.parent / "config"
DEFAULT_MODEL = "openai/gpt-4o-mini"


def _read_inputs():
    parser = argparse.ArgumentParser(description="Run the Python crew.")
    parser.add_argument("--inputs", help="the run's inputs as a JSON object")
    args = parser.parse_args()
    if args.inputs is not None:
        return json.loads(args.inputs)
    if not sys.stdin.isatty():
        text = sys.stdin.readline().strip()
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
            # stream=True: the answer reaches crewstream token by token.
            llm=LLM(model=_model(config), stream=True),
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
            human_input=bool(config.get("human_input", False)),
            name=key,
        )
    return Crew(
        agents=list(agents.values()),
        tasks=list(tasks.values()),
        process=Process.sequential,
        verbose=False,
    )


def main():
    inputs = _read_inputs()
    crew = build_crew()
    crewstream_bridge.install(crew)  # 2. stream it through crewstream
    # Whatever CrewAI or a library prints goes to stderr, so stdout holds only the result.
    with contextlib.redirect_stdout(sys.stderr):
        result = crew.kickoff(inputs=inputs)
    print(getattr(result, "raw", None) or str(result))


if __name__ == "__main__":
    main()
