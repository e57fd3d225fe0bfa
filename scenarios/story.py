"""Running a scenario: named, timed steps, each with what it expected and what came back."""

from __future__ import annotations

import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator, TextIO

from .app import Emulator, error_of


class StepFailed(AssertionError):
    pass


@dataclass
class Step:
    name: str
    passed: bool
    seconds: float
    detail: str = ""


@dataclass
class Scenario:
    name: str
    summary: str
    body: Callable[["Story"], None]
    config: str | None = None  # the emulator configuration it needs; None: the shipped default


@dataclass
class ScenarioResult:
    scenario: Scenario
    steps: list[Step] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(step.passed for step in self.steps)

    @property
    def failure(self) -> str:
        return next((f"{step.name}: {step.detail}" for step in self.steps if not step.passed), "")


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, summary: str, config: str | None = None):
    def register(body: Callable[["Story"], None]) -> Callable[["Story"], None]:
        SCENARIOS[name] = Scenario(name, summary, body, config)
        return body
    return register


class Story:
    """What a scenario's body works with: the emulator, steps, and expectations."""

    def __init__(self, app: Emulator, result: ScenarioResult, out: "Printer | None" = None):
        self.app = app
        self.result = result
        self._out = out

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except Exception as error:
            detail = str(error) if isinstance(error, AssertionError) else \
                f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"
            self._record(Step(name, False, time.perf_counter() - started, detail))
            raise StepFailed(detail) from error
        self._record(Step(name, True, time.perf_counter() - started))

    def _record(self, step: Step) -> None:
        self.result.steps.append(step)
        if self._out:
            self._out.step(step)

    @staticmethod
    def expect(actual, expected, what: str) -> None:
        if actual != expected:
            raise StepFailed(f"{what}: expected {expected!r}, got {actual!r}")

    @staticmethod
    def expect_error(code: str, call, *args, message: str | None = None, **kwargs) -> str:
        """The call must fail with Cognito error `code` (and `message`, if given); returns the message."""
        error = error_of(call, *args, **kwargs)
        if error is None:
            raise StepFailed(f"expected {code}, but the call succeeded")
        if error[0] != code or (message is not None and error[1] != message):
            raise StepFailed(f"expected {code}{': ' + message if message else ''}, got {error[0]}: {error[1]}")
        return error[1]


class Printer:
    GREEN, RED, DIM, RESET = "\033[32m", "\033[31m", "\033[2m", "\033[0m"

    def __init__(self, stream: TextIO, color: bool):
        self.stream = stream
        self.color = color

    def _paint(self, text: str, color: str) -> str:
        return f"{color}{text}{self.RESET}" if self.color else text

    def scenario(self, scenario: Scenario) -> None:
        print(f"\n{scenario.name}: {scenario.summary}", file=self.stream, flush=True)

    def step(self, step: Step) -> None:
        mark = self._paint("✓", self.GREEN) if step.passed else self._paint("✗", self.RED)
        timing = self._paint(f"{step.seconds * 1000:7.1f} ms", self.DIM)
        print(f"  {mark} {step.name:<68} {timing}", file=self.stream, flush=True)
        if not step.passed:
            for line in step.detail.rstrip().splitlines():
                print("      " + self._paint(line, self.RED), file=self.stream)

    def summary(self, results: list[ScenarioResult]) -> None:
        passed = sum(result.passed for result in results)
        line = f"{passed} passed, {len(results) - passed} failed"
        print("\n" + self._paint(line, self.GREEN if passed == len(results) else self.RED), file=self.stream, flush=True)


def run_scenario(scenario: Scenario, app: Emulator, out: Printer | None = None) -> ScenarioResult:
    result = ScenarioResult(scenario)
    if out:
        out.scenario(scenario)
    offset = app.clock_offset()
    try:
        scenario.body(Story(app, result, out))
    except StepFailed:
        pass  # recorded by the step
    except Exception as error:  # a failure between steps
        result.steps.append(Step("(between steps)", False, 0.0, f"{type(error).__name__}: {error}"))
        if out:
            out.step(result.steps[-1])
    finally:
        if app.clock_offset() != offset:
            # A scenario that moved time puts it back: the offset outlives restarts, and tokens issued ahead of
            # this machine's clock look not yet valid to JWT libraries.
            app.restore_clock(offset)
    return result
