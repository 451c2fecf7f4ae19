"""The engine asks PyTorch for transparent huge pages before torch loads, and keeps a choice already made."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from painterly.engine.huge_pages import THP_SETTING, huge_pages_offered

LARGE_BLOCK = """
import painterly.engine, torch
block = torch.empty(50_000_000)  # 200 MB
block.fill_(1.0)
huge = [line for line in open("/proc/self/smaps_rollup") if line.startswith("AnonHugePages")]
print(int(huge[0].split()[1]))
"""


@pytest.mark.parametrize(
    ("setting", "offered"),
    [("always [madvise] never", True), ("[always] madvise never", True), ("always madvise [never]", False)],
)
def test_huge_pages_are_offered_unless_the_kernel_says_never(tmp_path, setting, offered):
    path = tmp_path / "enabled"
    path.write_text(setting + "\n")
    assert huge_pages_offered(path) is offered
    assert huge_pages_offered(tmp_path / "missing") is False


def huge_kib_of_a_large_block(environment: dict[str, str]) -> int:
    run = subprocess.run([sys.executable, "-c", LARGE_BLOCK], capture_output=True, text=True, env=environment)
    assert run.returncode == 0, run.stderr
    return int(run.stdout.split()[-1])


@pytest.mark.skipif(not huge_pages_offered() or not os.path.exists("/proc/self/smaps_rollup"), reason="no THP")
def test_a_large_block_gets_huge_pages_unless_turned_off():
    environment = {key: value for key, value in os.environ.items() if key != "THP_MEM_ALLOC_ENABLE"}
    assert huge_kib_of_a_large_block(environment) >= 100_000, THP_SETTING.read_text()
    if "[madvise]" in THP_SETTING.read_text():  # with `always` the kernel gives them to every block anyway
        assert huge_kib_of_a_large_block({**environment, "THP_MEM_ALLOC_ENABLE": "0"}) == 0
