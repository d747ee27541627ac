"""Stand-in for `crewai.utilities.events.base_event_listener`."""
from crewai._bus import BaseEventListener  # noqa: F401
