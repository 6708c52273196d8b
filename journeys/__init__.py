"""The user journeys of ``scenarios.yaml`` as steps any HTTP client can drive."""

from journeys.blocking import BlockingClient
from journeys.client import Client, StepFailed
from journeys.state import JourneyState
from journeys.steps import STEPS, run_journey

__all__ = ["STEPS", "BlockingClient", "Client", "JourneyState", "StepFailed", "run_journey"]
