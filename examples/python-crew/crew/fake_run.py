#!/usr/bin/env python3
"""A stand-in for crew/run.py that needs only Python's standard library.

It speaks exactly what crew/run.py speaks, so crewstream cannot tell them apart:
progress lines {"type":"progress","agent":<role>,"task":<first line>,"timestamp":<iso>}
on stderr (what CrewAI's step_callback writes), some plain log lines around them, a few
crewstream `text.delta` lines while the last task "writes", and the final result on stdout.

The roles and first lines below mirror config/agents.yaml and config/tasks.yaml with
{topic} filled in.

Inputs: --inputs '<json>' (or JSON on stdin). `topic` names the subject; `mode` picks a
behaviour: ok (default), fail (exit 3 with a traceback), hang (never ends), stubborn (never
ends and ignores SIGTERM), garbage (invalid UTF-8, a 200 KB line, CRLF, a last line without
newline, then success), crash (SIGKILL to itself mid-run). `format: json` prints the result
as CrewAI's CrewOutput-like JSON instead of text.

CREWSTREAM_FAKE_STEP_MS sets the pause between steps (default 300; 0 in tests).
"""
import argparse
import json
import os
import signal
import sys
import time
from datetime import datetime, timezone

STEP_SECONDS = float(os.environ.get("CREWSTREAM_FAKE_STEP_MS", "300")) / 1000.0

# (role as CrewAI prints a folded YAML scalar, description's first line, steps)
TASKS = [
    (
        "{topic} Senior Data Researcher\n",
        "Conduct a thorough research about {topic}.",
        [("thought", "I should start with recent surveys of {topic}."),
         ("tool", "search: latest developments in {topic}"),
         ("answer", "Ten findings about {topic}, with sources.")],
    ),
    (
        "{topic} Trend Analyst\n",
        "Rank the findings about {topic} by how much they matter to practitioners.",
        [("thought", "Three of the findings change decisions; the rest are incremental."),
         ("answer", "Findings ranked by impact on practitioners.")],
    ),
    (
        "{topic} Reporting Analyst\n",
        "Review the context you got and expand each topic into a full section for a report.",
        [("thought", "I will give each ranked finding its own section."),
         ("answer", "The report is complete.")],
    ),
]


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def emit(payload):
    log(json.dumps(payload))


def progress(role, task, kind, text):
    emit({"type": "progress", "agent": role, "task": task, "kind": kind, "text": text,
          "timestamp": datetime.now(timezone.utc).isoformat()})
    time.sleep(STEP_SECONDS)


def read_inputs():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", help="the run's inputs as a JSON object")
    args = parser.parse_args()
    if args.inputs is not None:
        return json.loads(args.inputs)
    if not sys.stdin.isatty():
        text = sys.stdin.read().strip()
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

    outputs = []
    for number, (role, task, steps) in enumerate(TASKS):
        role, task = role.format(topic=topic), task.format(topic=topic)
        for kind, text in steps:
            progress(role, task, kind, text.format(topic=topic))
            if mode == "crash" and number == 1:
                os.kill(os.getpid(), signal.SIGKILL)
        if mode in ("hang", "stubborn"):
            log("waiting for a model that never answers")
            sleep_forever()
        if mode == "fail" and number == 1:
            try:
                raise RuntimeError("the model returned an empty answer for '{}'".format(task))
            except RuntimeError:
                import traceback
                traceback.print_exc()
                sys.stderr.flush()
                sys.exit(3)
        if number == len(TASKS) - 1:
            for chunk in report(topic):
                emit({"type": "text.delta", "delta": chunk})
                time.sleep(STEP_SECONDS / 3)
            outputs.append("".join(report(topic)))
        else:
            outputs.append(steps[-1][1].format(topic=topic))
        log("INFO crew.fake_run: task {} of {} done".format(number + 1, len(TASKS)))

    if mode == "garbage":
        sys.stderr.write("a last line without newline")
        sys.stderr.flush()
    result = outputs[-1]
    if inputs.get("format") == "json":
        print(json.dumps({"raw": result, "tasks_output": outputs}))
    else:
        print(result)


if __name__ == "__main__":
    main()
