"""End-to-end stories of SMS one-time-code sign-in, run against a live emulator.

Each scenario is a short sequence of named steps that touches the emulator only the way a real
app and its tests do: the Cognito API through boto3, Lambda's Invoke API, the SMS inbox JSON and
the clock endpoint. Run them from the command line (`python -m emulator.scenarios`), under pytest
(`tests/test_scenarios.py`), or read them (`scenarios/stories.py`) as documentation.
"""

from .story import SCENARIOS, Story, run_scenario

__all__ = ["SCENARIOS", "Story", "run_scenario"]
