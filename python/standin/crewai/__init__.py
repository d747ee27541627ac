"""Stand-in for CrewAI (tests only): the crew classes the stand-in crew needs."""


class Agent:
    def __init__(self, role, goal="", backstory=""):
        self.role = role
        self.goal = goal
        self.backstory = backstory


class Task:
    def __init__(self, description, agent, name=None, expected_output="", human_input=False):
        self.description = description
        self.agent = agent
        self.name = name
        self.expected_output = expected_output
        self.human_input = human_input


class Crew:
    def __init__(self, agents, tasks, step_callback=None, task_callback=None):
        self.agents = agents
        self.tasks = tasks
        self.step_callback = step_callback
        self.task_callback = task_callback


class TaskOutput:
    def __init__(self, raw, description="", agent=""):
        self.raw = raw
        self.description = description
        self.agent = agent


class AgentFinish:
    """What CrewAI hands the step callback for a final answer."""

    def __init__(self, output, thought=""):
        self.output = output
        self.thought = thought
        self.text = output


class AgentAction:
    """What CrewAI hands the step callback for a thought or a tool use."""

    def __init__(self, thought, tool="", tool_input="", result=""):
        self.thought = thought
        self.tool = tool
        self.tool_input = tool_input
        self.text = thought
        self.result = result
