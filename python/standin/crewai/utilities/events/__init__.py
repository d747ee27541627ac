"""Stand-in for `crewai.utilities.events` (CrewAI 0.80 to 0.186)."""
from crewai._layout import LAYOUT

if LAYOUT == "none":
    raise ImportError("No module named 'crewai.utilities.events'")

from crewai._bus import *  # noqa: E402,F401,F403
from crewai._bus import crewai_event_bus  # noqa: E402,F401
