#!/usr/bin/env python3
"""A stand-in for crew/run.py that needs only Python's standard library.

It runs the same three tasks as crew/run.py, without a model, on a stand-in for CrewAI's
event bus (crewstream's `python/standin/`, which reproduces the event classes and bus API
that `crewstream_bridge` listens to), with `crewstream_bridge.install(crew)` exactly as
crew/run.py calls it. So crewstream sees what a real CrewAI crew with the bridge writes:
`task.start`, `agent.step`, `tool.call` / `tool.result`, `text.delta` for the last task's
streamed answer, `task.end` with token usage, an `input.request` when asked to review,
plus some plain log lines, and the final result on stdout.

The roles and descriptions below mirror config/agents.yaml and config/tasks.yaml with
{topic} filled in.

Inputs: --inputs '<json>' (or one JSON line on stdin). `topic` names the subject; `review`
(true) makes the last task a `human_input` task; `mode` picks a behaviour: ok (default),
fail (exit 3 with a traceback), hang (never ends), stubborn (never ends and ignores
SIGTERM), garbage (invalid UTF-8, a 200 KB line, CRLF, a last line without newline, then
success), crash (SIGKILL to itself mid-run), tool_error (the research tool fails once).
`format: json` prints the result as CrewAI's CrewOutput-like JSON instead of text.

CREWSTREAM_FAKE_STEP_MS sets the pause between steps (default 300; 0 in tests).
CREWAI_STANDIN_LAYOUT=legacy imitates CrewAI's previous event paths, `none` a CrewAI without
event bus (the bridge then writes step-callback progress lines).
"""
import argparse
import json
import os
import signal
import sys
import time

try:
    import crewstream_bridge
except ImportError:  # run directly from crewstream's source tree
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "python"))
    import crewstream_bridge

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(crewstream_bridge.__file__)), "standin"))
from crewai import Agent, AgentAction, AgentFinish, Crew, Task, TaskOutput  # noqa: E402  (the stand-in)

STEP_SECONDS = float(os.environ.get("CREWSTREAM_FAKE_STEP_MS", "300")) / 1000.0

# (task name, role as CrewAI prints a folded YAML scalar, description, steps)
TASKS = [
    (
        "research_task",
        "{topic} Senior Data Researcher\n",
        "Conduct a thorough research about {topic}. Make sure you find any interesting and relevant information about it.",
        [("thought", "I should start with recent surveys of {topic}."),
         ("tool", "latest developments in {topic}"),
         ("answer", "Ten findings about {topic}, with sources.")],
    ),
    (
        "analysis_task",
        "{topic} Trend Analyst\n",
        "Rank the findings about {topic} by how much they matter to practitioners. Say for each one who should care and what it changes for them.",
        [("thought", "Three of the findings change decisions; the rest are incremental."),
         ("answer", "Findings ranked by impact on practitioners.")],
    ),
    (
        "reporting_task",
        "{topic} Reporting Analyst\n",
        "Review the context you got and expand each topic into a full section for a report. Make sure the report is detailed and contains any and all relevant information.",
        [("thought", "I will give each ranked finding its own section."),
         ("answer", "The report is complete.")],
    ),
]


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def read_inputs():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", help="the run's inputs as a JSON object")
    args = parser.parse_args()
    if args.inputs is not None:
        return json.loads(args.inputs)
    if not sys.stdin.isatty():
        text = sys.stdin.readline().strip()
        if text:
            return json.loads(text)
    return {}


def sleep_forever():
    while True:
        time.sleep(3600)


def report(topic):
    return [
        "# {} report\n\n".format(topic),
        "## Findings\n\nThree developments in {} change how teams build; ".format(topic),
        "the rest are incremental.\n\n## Recommendation\n\nStart small and measure.",
    ]


def load_bus():
    """The stand-in's event module as the bridge finds it, or None without a bus."""
    layout = os.environ.get("CREWAI_STANDIN_LAYOUT", "current")
    if layout == "none":
        return None
    if layout == "legacy":
        import crewai.utilities.events as events
    else:
        import crewai.events as events
    return events


class FakeCrew:
    """Plays CrewAI's part: emits on the bus what CrewAI emits while it runs the tasks."""

    def __init__(self, crew, events, mode):
        self.crew = crew
        self.events = events
        self.mode = mode

    def emit(self, event_name, **fields):
        if self.events is not None:
            self.events.crewai_event_bus.emit(self.crew, getattr(self.events, event_name)(**fields))

    def llm(self, task, text, chunks=None):
        self.emit("LLMCallStartedEvent", from_task=task, from_agent=task.agent, messages=[])
        for chunk in chunks or []:
            if self.events is None:
                crewstream_bridge.emit({"type": "text.delta", "delta": chunk})
            self.emit("LLMStreamChunkEvent", from_task=task, from_agent=task.agent, chunk=chunk)
            time.sleep(STEP_SECONDS / 3)
        self.emit("LLMCallCompletedEvent", from_task=task, from_agent=task.agent, response=text,
                  call_type="llm_call",
                  usage={"prompt_tokens": 150, "completion_tokens": 30 if chunks is None else 60,
                         "total_tokens": 180 if chunks is None else 210})

    def step(self, task, kind, text, topic, chunks=None):
        if kind == "thought":
            self.llm(task, "Thought: " + text)
            callback_step = AgentAction(text)
        elif kind == "tool":
            args = {"query": text}
            self.emit("ToolUsageStartedEvent", from_task=task, from_agent=task.agent,
                      tool_name="search", tool_args=args)
            if self.mode == "tool_error":
                self.emit("ToolUsageErrorEvent", from_task=task, from_agent=task.agent,
                          tool_name="search", tool_args=args, error="search service unavailable")
                self.emit("ToolUsageStartedEvent", from_task=task, from_agent=task.agent,
                          tool_name="search", tool_args=args)
            self.emit("ToolUsageFinishedEvent", from_task=task, from_agent=task.agent,
                      tool_name="search", tool_args=args,
                      output="3 articles about {}".format(topic))
            callback_step = AgentAction("Searching", tool="search", tool_input=text)
        else:
            answer = "".join(chunks) if chunks else text
            self.llm(task, "Thought: I now know the final answer\nFinal Answer: " + answer, chunks)
            callback_step = AgentFinish(text)
        if self.crew.step_callback is not None:
            self.crew.step_callback(callback_step)
        time.sleep(STEP_SECONDS)


def main():
    inputs = read_inputs()
    topic = str(inputs.get("topic", "AI LLMs"))
    mode = str(inputs.get("mode", "ok"))
    log("INFO crew.fake_run: starting with inputs {}".format(json.dumps(inputs)))
    log("WARNING: this is crewstream's stand-in crew; no model is called")

    if mode == "stubborn":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if mode == "garbage":
        sys.stderr.buffer.write(b"invalid utf-8: \xff\xfe and \xc3\x28 here\n")
        sys.stderr.buffer.write(b"y" * (200 * 1024) + b"\n")
        sys.stderr.buffer.write(b"a windows line\r\n")
        sys.stderr.flush()

    tasks = [
        Task(description=description.format(topic=topic), name=name,
             agent=Agent(role=role.format(topic=topic)),
             human_input=bool(inputs.get("review")) and number == len(TASKS) - 1)
        for number, (name, role, description, _steps) in enumerate(TASKS)
    ]
    crew = Crew(agents=[task.agent for task in tasks], tasks=tasks)
    crewstream_bridge.install(crew)
    fake = FakeCrew(crew, load_bus(), mode)

    outputs = []
    for number, (task, (_name, _role, _description, steps)) in enumerate(zip(tasks, TASKS)):
        fake.emit("TaskStartedEvent", task=task, context="")
        fake.emit("AgentExecutionStartedEvent", agent=task.agent, task=task, tools=[],
                  task_prompt=task.description)
        last = number == len(TASKS) - 1
        for kind, text in steps:
            # The last task's answer streams (CrewAI with `LLM(..., stream=True)`).
            chunks = report(topic) if last and kind == "answer" else None
            fake.step(task, kind, text.format(topic=topic), topic, chunks)
            if mode == "crash" and number == 1:
                os.kill(os.getpid(), signal.SIGKILL)
        if mode in ("hang", "stubborn"):
            log("waiting for a model that never answers")
            sleep_forever()
        if mode == "fail" and number == 1:
            try:
                raise RuntimeError("the model returned an empty answer for '{}'".format(
                    _first(task.description)))
            except RuntimeError as error:
                fake.emit("TaskFailedEvent", task=task, error=str(error))
                import traceback
                traceback.print_exc()
                sys.stderr.flush()
                sys.exit(3)
        if last:
            output = "".join(report(topic))
            if task.human_input:
                # CrewAI asks with input() after the agent's answer; the bridge routes it.
                feedback = input("").strip()
                if feedback:
                    output += "\n\nReviewer's note: {}".format(feedback)
        else:
            output = steps[-1][1].format(topic=topic)
        outputs.append(output)
        result = TaskOutput(raw=output, description=task.description, agent=task.agent.role)
        fake.emit("AgentExecutionCompletedEvent", agent=task.agent, task=task, output=output)
        fake.emit("TaskCompletedEvent", task=task, output=result)
        if crew.task_callback is not None:
            crew.task_callback(result)
        log("INFO crew.fake_run: task {} of {} done".format(number + 1, len(TASKS)))

    if mode == "garbage":
        crewstream_bridge.flush()
        sys.stderr.write("a last line without newline")
        sys.stderr.flush()
    result = outputs[-1]
    if inputs.get("format") == "json":
        print(json.dumps({"raw": result, "tasks_output": outputs}))
    else:
        print(result)


def _first(text):
    return text.split(".")[0] + "."


if __name__ == "__main__":
    main()
