"""Streams a CrewAI crew through crewstream: tasks, steps, tokens, tool calls and human input.

Add two lines to the program that runs the crew (``crew/run.py``)::

    import crewstream_bridge
    crewstream_bridge.install(crew)      # after building the Crew, before kickoff()

crewstream puts this file on ``PYTHONPATH`` for every process crew it runs, and
``crewstream init --python`` copies it next to ``run.py``. It needs only the standard library.

What it does:

- registers a listener on CrewAI's event bus and writes one crewstream protocol event per
  line on stderr: ``task.start`` / ``task.end`` (the task's name, description and agent role;
  ``task.end`` carries the task's output and the tokens of its LLM calls), ``agent.step`` for
  each LLM answer and tool use, ``text.delta`` for each streamed chunk (when the crew's LLM
  streams: ``LLM(..., stream=True)``), ``tool.call`` / ``tool.result`` (with ``error`` when the
  tool failed), and a plain ``crewstream_bridge: ... failed`` line for task and crew failures,
  which crewstream quotes when the run fails;
- when run by crewstream (``CREWSTREAM_RUN_ID`` is set), replaces ``input()`` so that
  CrewAI's ``human_input`` tasks ask through crewstream: it writes ``input.request`` and reads
  the answer from stdin, one line ``{"type":"input.response","requestId":...,"text":...}``;
- without an event bus (CrewAI before 0.80, or no CrewAI at all), it falls back to the crew's
  ``step_callback`` / ``task_callback`` and writes crewstream's progress lines, as before.

Current CrewAI runs event handlers on a thread pool, so they may run out of order; the
handlers' work is put back in CrewAI's emission order (``emission_sequence``) by holding it a
few milliseconds. Everything held is written before an input request and at exit.

CrewAI versions: the bus and event classes are imported from ``crewai.events`` (CrewAI 0.186
and later) or from ``crewai.utilities.events`` (0.80 to 0.186, with ``BaseEventListener`` in
``crewai.utilities.events.base_event_listener``). Event fields are read defensively with
fallbacks, because they moved between releases: ``task.name`` / ``event.task_name``,
``agent.role`` / ``event.agent_role``, ``LLMCallCompletedEvent.usage`` (newer releases;
``prompt_tokens`` / ``completion_tokens`` or ``input_tokens`` / ``output_tokens``),
``ToolUsageErrorEvent.error``, ``TaskCompletedEvent.output.raw``.
"""
import atexit
import builtins
import heapq
import itertools
import json
import os
import sys
import threading
import time
import uuid
from datetime import datetime, timezone

__all__ = ["install", "emit", "flush"]

_lock = threading.Lock()
_MAX_TEXT = 4000


def emit(event):
    """Writes one protocol event as a JSON line on stderr (thread-safe: CrewAI's bus may call
    handlers from worker threads)."""
    line = json.dumps(event, default=str, ensure_ascii=False)
    with _lock:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()


def _first_line(text):
    for line in str(text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


def _clip(text, limit=_MAX_TEXT):
    text = str(text or "").strip()
    return text if len(text) <= limit else text[:limit] + "\u2026"


def _get(obj, *names):
    """The first of `names` that `obj` has and that is not None or empty."""
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return None


def _role(event, task=None):
    agent = _get(event, "agent", "from_agent")
    role = _get(agent, "role") if agent is not None else None
    if role is None:
        role = _get(event, "agent_role")
    if role is None and task is not None:
        role = _get(_get(task, "agent"), "role") if _get(task, "agent") is not None else None
    return _first_line(role) if role else None


def _usage(raw):
    """Input and output tokens from an LLM call's usage, whatever its spelling."""
    if raw is None:
        return 0, 0
    if not isinstance(raw, dict):
        raw = {k: getattr(raw, k, None) for k in
               ("prompt_tokens", "completion_tokens", "input_tokens", "output_tokens")}
    def number(*keys):
        for key in keys:
            value = raw.get(key)
            if isinstance(value, (int, float)):
                return int(value)
        return 0
    return number("prompt_tokens", "input_tokens"), number("completion_tokens", "output_tokens")


class _InOrder:
    """Runs handler bodies in CrewAI's emission order.

    Current CrewAI runs synchronous handlers on a thread pool (stream chunks excepted), so two
    events emitted back to back, such as one task's TaskCompletedEvent and the next one's
    TaskStartedEvent, may reach their handlers in either order. Each event carries its
    `emission_sequence`, given on the emitting thread: bodies are held for `HOLD` seconds and
    run sorted by it. Events without one (older CrewAI calls handlers inline) run at once,
    after anything held. At exit, everything held runs and later bodies run at once.
    """

    HOLD = 0.03

    def __init__(self):
        self._heap = []
        self._lock = threading.RLock()
        self._order = itertools.count()
        self._closed = False
        self._thread = None

    def run(self, event, body):
        sequence = getattr(event, "emission_sequence", None)
        if not isinstance(sequence, int) or self._closed:
            with self._lock:
                self._drain(everything=True)
                body()
            return
        with self._lock:
            heapq.heappush(self._heap, (sequence, next(self._order), time.monotonic(), body))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="crewstream-bridge", daemon=True)
                self._thread.start()

    def flush(self):
        with self._lock:
            self._drain(everything=True)

    def close(self):
        self._closed = True
        self.flush()

    def _loop(self):
        while True:
            time.sleep(self.HOLD / 3)
            with self._lock:
                self._drain(everything=False)

    def _drain(self, everything):
        now = time.monotonic()
        while self._heap and (everything or now - self._heap[0][2] >= self.HOLD):
            body = heapq.heappop(self._heap)[3]
            try:
                body()
            except Exception as error:  # a bad event must not stop the others
                emit_text("crewstream_bridge: {}".format(error))


_in_order = _InOrder()


def flush():
    """Writes the events still held for ordering, once CrewAI's pooled handlers have had time
    to run. Called before asking for input and at exit; call it before writing on stderr
    yourself if your own lines must come after the crew's events."""
    time.sleep(_InOrder.HOLD)
    _in_order.flush()


def _load_events():
    """CrewAI's bus, listener base class and event classes, or None without a bus."""
    try:
        import crewai.events as module  # CrewAI 0.186 and later
        base = module.BaseEventListener
    except Exception:
        try:
            import crewai.utilities.events as module  # CrewAI 0.80 to 0.186
            from crewai.utilities.events.base_event_listener import BaseEventListener as base
        except Exception:
            return None
    return module, base


class _Tracker:
    """What the listener knows about the run: the task in progress, its tokens, open tool calls."""

    def __init__(self):
        self.task_open = False
        self.tokens = [0, 0]
        self.calls = {}
        self.ids = itertools.count(1)
        self.last_answer = ""

    def open_call(self, name, args):
        call_id = "call-{}".format(next(self.ids))
        self.calls.setdefault((name, json.dumps(args, default=str, sort_keys=True)), []).append(call_id)
        return call_id

    def close_call(self, name, args):
        pending = self.calls.get((name, json.dumps(args, default=str, sort_keys=True)))
        if pending:
            return pending.pop(0)
        for key, ids in self.calls.items():
            if key[0] == name and ids:
                return ids.pop(0)
        return "call-{}".format(next(self.ids))


def _tool_args(event):
    args = _get(event, "tool_args")
    if isinstance(args, str):
        try:
            return json.loads(args)
        except ValueError:
            return args
    return args if args is not None else {}


def _listen(module, base):
    state = _Tracker()
    names = set(dir(module))

    def on(bus, name):
        """Registers a handler for the event class `name` when this CrewAI has it; the
        handler's body runs in emission order (see `_InOrder`)."""
        def register(handler):
            if name in names:
                def in_order(source, event):
                    _in_order.run(event, lambda: handler(source, event))
                in_order.__name__ = "crewstream_" + handler.__name__.lstrip("_")
                bus.on(getattr(module, name))(in_order)
            return handler
        return register

    def start_task(task, role):
        if state.task_open:
            end_task(None)
        state.task_open = True
        state.tokens = [0, 0]
        event = {"type": "task.start", "description": str(_get(task, "description") or "")}
        name = _get(task, "name")
        if name:
            event["taskName"] = str(name)
        if role:
            event["agentRole"] = role
        emit(event)

    def end_task(output):
        if not state.task_open:
            return
        state.task_open = False
        event = {"type": "task.end",
                 "usage": {"inputTokens": state.tokens[0], "outputTokens": state.tokens[1]}}
        if output is not None:
            event["output"] = output
        emit(event)

    def step(kind, text, role):
        event = {"type": "agent.step", "kind": kind, "text": _clip(text)}
        if role:
            event["agentRole"] = role
        emit(event)

    class CrewstreamListener(base):
        def setup_listeners(self, bus):
            @on(bus, "TaskStartedEvent")
            def _task_started(source, event):
                task = _get(event, "task") or source
                start_task(task, _role(event, task))

            @on(bus, "TaskCompletedEvent")
            def _task_completed(source, event):
                output = _get(event, "output")
                raw = _get(output, "raw") if output is not None and not isinstance(output, str) else output
                end_task(str(raw) if raw is not None else None)

            @on(bus, "TaskFailedEvent")
            def _task_failed(source, event):
                emit_text("crewstream_bridge: task failed: {}".format(_get(event, "error")))
                # A failed task has no task.end: the run's failure says what happened.
                state.task_open = False

            @on(bus, "CrewKickoffFailedEvent")
            def _crew_failed(source, event):
                emit_text("crewstream_bridge: crew failed: {}".format(_get(event, "error")))

            @on(bus, "AgentExecutionErrorEvent")
            def _agent_failed(source, event):
                emit_text("crewstream_bridge: agent {} failed: {}".format(
                    _role(event) or "", _get(event, "error")))

            @on(bus, "AgentExecutionStartedEvent")
            def _agent_started(source, event):
                # A hierarchical crew's coworkers run inside the manager's task: no new task.
                if not state.task_open:
                    task = _get(event, "task")
                    start_task(task, _role(event, task))

            @on(bus, "LLMStreamChunkEvent")
            def _chunk(source, event):
                if _get(event, "tool_call") is not None:
                    return  # a tool call's arguments, not text for the reader
                chunk = _get(event, "chunk")
                if chunk:
                    emit({"type": "text.delta", "delta": str(chunk)})

            @on(bus, "LLMCallCompletedEvent")
            def _llm_done(source, event):
                usage = _usage(_get(event, "usage"))
                state.tokens[0] += usage[0]
                state.tokens[1] += usage[1]
                response = _get(event, "response")
                if isinstance(response, str) and response.strip():
                    kind = "answer" if "Final Answer" in response else "thought"
                    state.last_answer = response.split("Final Answer:", 1)[-1]
                    step(kind, response, _role(event))

            @on(bus, "ToolUsageStartedEvent")
            def _tool_started(source, event):
                name = str(_get(event, "tool_name") or "tool")
                args = _tool_args(event)
                role = _role(event)
                step("tool", "{}: {}".format(name, json.dumps(args, default=str)), role)
                emit({"type": "tool.call", "callId": state.open_call(name, args),
                      "tool": name, "args": args})

            @on(bus, "ToolUsageFinishedEvent")
            def _tool_finished(source, event):
                name = str(_get(event, "tool_name") or "tool")
                call_id = state.close_call(name, _tool_args(event))
                output = _get(event, "output")
                emit({"type": "tool.result", "callId": call_id, "tool": name,
                      "result": _clip(output) if not isinstance(output, (int, float, bool)) else output})

            @on(bus, "ToolUsageErrorEvent")
            def _tool_failed(source, event):
                name = str(_get(event, "tool_name") or "tool")
                call_id = state.close_call(name, _tool_args(event))
                emit({"type": "tool.result", "callId": call_id, "tool": name,
                      "error": {"code": "tool_failed", "message": _clip(_get(event, "error"))}})

    # Kept on the module: CrewAI's bus may hold handlers weakly in some releases.
    _installed["listener"] = CrewstreamListener()
    return state


def emit_text(text):
    with _lock:
        sys.stderr.write(_first_line(text) + "\n")
        sys.stderr.flush()


def _progress_callbacks(crew):
    """Without a bus: CrewAI's step and task callbacks write crewstream's progress lines."""
    state = {"index": 0}
    tasks = list(getattr(crew, "tasks", None) or [])
    previous_step = getattr(crew, "step_callback", None)
    previous_task = getattr(crew, "task_callback", None)

    def step_callback(step):
        task = tasks[min(state["index"], len(tasks) - 1)] if tasks else None
        agent = getattr(task, "agent", None)
        kind = "answer" if type(step).__name__ == "AgentFinish" else (
            "tool" if getattr(step, "tool", None) else "thought")
        line = {"type": "progress", "agent": _first_line(getattr(agent, "role", "")),
                "task": _first_line(getattr(task, "description", "")),
                "timestamp": datetime.now(timezone.utc).isoformat(), "kind": kind}
        text = _get(step, "output", "thought", "text", "result")
        if isinstance(text, str) and text.strip():
            line["text"] = _clip(text, 2000)
        emit(line)
        if previous_step is not None:
            previous_step(step)

    def task_callback(output):
        state["index"] += 1
        if previous_task is not None:
            previous_task(output)

    crew.step_callback = step_callback
    crew.task_callback = task_callback


def _ask(prompt=""):
    """`input()` under crewstream: asks through an `input.request` and waits for the answer on stdin."""
    flush()  # the answer being reviewed comes before the question
    request_id = uuid.uuid4().hex
    text = str(prompt or "").strip() or _installed.get("default_prompt")()
    emit({"type": "input.request", "requestId": request_id, "prompt": text})
    while True:
        line = sys.stdin.readline()
        if line == "":
            raise EOFError("crewstream closed stdin before answering the input request")
        try:
            answer = json.loads(line)
        except ValueError:
            continue  # e.g. the inputs line, when the program read them from --inputs
        if (isinstance(answer, dict) and answer.get("type") == "input.response"
                and answer.get("requestId") == request_id):
            return str(answer.get("text", ""))


_installed = {}


def install(crew=None):
    """Streams the crew through crewstream. Answers True when CrewAI's event bus is used, False
    when it fell back to the crew's step callback. Call it once, after building the crew."""
    if "mode" in _installed:
        return _installed["mode"] == "bus"
    found = _load_events()
    state = None
    if found is not None:
        state = _listen(*found)
        atexit.register(_in_order.close)
        _installed["mode"] = "bus"
    else:
        if crew is not None:
            _progress_callbacks(crew)
        _installed["mode"] = "callbacks"

    def default_prompt():
        draft = _clip(state.last_answer) if state is not None else ""
        return ("Give feedback on the answer above, or press Enter to accept it."
                if not draft else "{}\n\nGive feedback on this answer, or leave it empty to accept it.".format(draft))
    _installed["default_prompt"] = default_prompt
    if os.environ.get("CREWSTREAM_RUN_ID"):
        builtins.input = _ask
    return _installed["mode"] == "bus"
