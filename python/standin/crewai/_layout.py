"""Which CrewAI the stand-in imitates: CREWAI_STANDIN_LAYOUT = current, legacy or none."""
import os

LAYOUT = os.environ.get("CREWAI_STANDIN_LAYOUT", "current")
