"""Stand-in for CrewAI's event bus and event classes (tests only), with CrewAI's names.

As in CrewAI 0.186 and later (the `current` layout), the bus numbers each event
(`emission_sequence`) and runs synchronous handlers on a thread pool, except for stream
chunks, which run on the emitting thread; a random pause of up to 5 ms before each pooled
handler makes the order in which handlers run as loose as it can be there. As in earlier
CrewAI (`legacy`), handlers run inline, in order, and events carry no sequence.
"""
import atexit
import itertools
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from crewai._layout import LAYOUT


class CrewAIEventsBus:
    def __init__(self, pooled):
        self._handlers = {}
        self._sequence = itertools.count(1)
        self._pool = ThreadPoolExecutor(max_workers=10) if pooled else None
        if self._pool is not None:
            atexit.register(self._pool.shutdown, wait=True)

    def on(self, event_type):
        def decorator(handler):
            self._handlers.setdefault(event_type, []).append(handler)
            return handler
        return decorator

    def emit(self, source, event):
        if self._pool is not None:
            event.emission_sequence = next(self._sequence)
        for event_type, handlers in self._handlers.items():
            if isinstance(event, event_type):
                for handler in handlers:
                    if self._pool is None or isinstance(event, LLMStreamChunkEvent):
                        handler(source, event)
                    else:
                        self._pool.submit(_later, handler, source, event)

    def validate_dependencies(self):
        return None


def _later(handler, source, event):
    time.sleep(random.random() * 0.005)
    handler(source, event)


crewai_event_bus = CrewAIEventsBus(pooled=LAYOUT == "current")


class BaseEventListener:
    verbose = False

    def __init__(self):
        self.setup_listeners(crewai_event_bus)
        crewai_event_bus.validate_dependencies()

    def setup_listeners(self, crewai_event_bus):
        raise NotImplementedError


class BaseEvent:
    type = "base"

    def __init__(self, **fields):
        self.timestamp = datetime.now(timezone.utc)
        for key, value in fields.items():
            setattr(self, key, value)


def _with_task(event, task):
    event.task_name = getattr(task, "name", None) or getattr(task, "description", None)
    return event


class TaskStartedEvent(BaseEvent):
    type = "task_started"

    def __init__(self, task, context=None):
        super().__init__(task=task, context=context)
        _with_task(self, task)


class TaskCompletedEvent(BaseEvent):
    type = "task_completed"

    def __init__(self, task, output):
        super().__init__(task=task, output=output)
        _with_task(self, task)


class TaskFailedEvent(BaseEvent):
    type = "task_failed"

    def __init__(self, task, error):
        super().__init__(task=task, error=error)
        _with_task(self, task)


class CrewKickoffFailedEvent(BaseEvent):
    type = "crew_kickoff_failed"

    def __init__(self, error, crew_name=None):
        super().__init__(error=error, crew_name=crew_name)


class AgentExecutionStartedEvent(BaseEvent):
    type = "agent_execution_started"

    def __init__(self, agent, task, tools=None, task_prompt=""):
        super().__init__(agent=agent, task=task, tools=tools, task_prompt=task_prompt)


class AgentExecutionCompletedEvent(BaseEvent):
    type = "agent_execution_completed"

    def __init__(self, agent, task, output):
        super().__init__(agent=agent, task=task, output=output)


class AgentExecutionErrorEvent(BaseEvent):
    type = "agent_execution_error"

    def __init__(self, agent, task, error):
        super().__init__(agent=agent, task=task, error=error)


class _LLMEvent(BaseEvent):
    """CrewAI copies the task's name and the agent's role onto LLM events and drops the objects."""

    def __init__(self, from_task=None, from_agent=None, **fields):
        if from_task is not None:
            fields["task_name"] = from_task.name or from_task.description
        if from_agent is not None:
            fields["agent_role"] = from_agent.role
        super().__init__(from_task=None, from_agent=None, **fields)


class LLMCallStartedEvent(_LLMEvent):
    type = "llm_call_started"


class LLMCallCompletedEvent(_LLMEvent):
    type = "llm_call_completed"


class LLMCallFailedEvent(_LLMEvent):
    type = "llm_call_failed"


class LLMStreamChunkEvent(_LLMEvent):
    type = "llm_stream_chunk"


class _ToolEvent(_LLMEvent):
    pass


class ToolUsageStartedEvent(_ToolEvent):
    type = "tool_usage_started"


class ToolUsageFinishedEvent(_ToolEvent):
    type = "tool_usage_finished"


class ToolUsageErrorEvent(_ToolEvent):
    type = "tool_usage_error"
