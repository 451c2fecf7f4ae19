"""Shared by the in-Krita check scripts: a STEP line as each step starts, and the ending: named checks, extra facts,
one RESULT line."""

import json
import time


def run_and_report(steps, checks, info):
    """Drive `steps` (a run_steps generator), then print "RESULT {...info, checks}" even when a step raised.
    The exit status is 0 only when there were checks and all of them passed."""
    try:
        yield from steps
    finally:
        info["checks"] = checks
        print("RESULT " + json.dumps(info))
    return 0 if checks and all(checks.values()) else 1


def report_step(name):
    """Print "STEP <name> <seconds>" when a numbered step starts: a check that runs out of time says where it was."""
    print(f"STEP {name} {time.monotonic():.1f}", flush=True)
