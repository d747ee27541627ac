"""Stand-in for `crewai.events` (CrewAI 0.186 and later); missing in the legacy layout."""
from crewai._layout import LAYOUT

if LAYOUT != "current":
    raise ImportError("No module named 'crewai.events'")

from crewai._bus import *  # noqa: E402,F401,F403
from crewai._bus import BaseEventListener, crewai_event_bus  # noqa: E402,F401
