"""Choosing the compute device and the precision the convolutions run in."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class Compute:
    """Where the network runs and in which precision its convolutions are computed."""

    device: torch.device
    conv_dtype: torch.dtype  # float32 = no autocast; bfloat16 / float16 = autocast
    channels_last: bool

    @property
    def dtype_name(self) -> str:
        """'float32', 'bfloat16' or 'float16'."""
        return str(self.conv_dtype).removeprefix("torch.")

    @property
    def memory_format(self) -> torch.memory_format:
        """The layout activations are kept in."""
        return torch.channels_last if self.channels_last else torch.contiguous_format

    def autocast(self) -> contextlib.AbstractContextManager:
        """Context in which the VGG forward pass runs (mixed precision where it pays)."""
        if self.conv_dtype == torch.float32:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.conv_dtype)


def _cpu_has_native_bf16() -> bool:
    """True where oneDNN has native bf16 matrix units (AVX512-BF16 or AMX)."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def choose_device(name: str = "auto") -> torch.device:
    """Resolve a device name; `auto` picks CUDA, then MPS, then CPU. Raises ValueError when unavailable."""
    if name.split(":")[0] not in DEVICE_CHOICES or (":" in name and not name.startswith("cuda:")):
        raise ValueError(f"unknown device {name!r}: choose one of {', '.join(DEVICE_CHOICES)} (or cuda:N)")
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device {name!r} requested but this PyTorch build sees no CUDA GPU")
        try:
            index = int(name.partition(":")[2] or 0)
        except ValueError:
            raise ValueError(f"unknown device {name!r}: write cuda:N with a GPU number") from None
        if not 0 <= index < torch.cuda.device_count():
            raise ValueError(f"device {name!r}: there are {torch.cuda.device_count()} CUDA GPUs")
    if name == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' requested but Apple's Metal backend is not available here")
    return torch.device(name)


def choose_compute(device: str = "auto", precision: str = "auto", channels_last: bool | None = None) -> Compute:
    """Pick device, convolution precision (auto, float32, bfloat16 or float16) and memory layout.

    channels_last defaults to on for CPU and CUDA: on the project's AVX512-BF16 CPU a bf16 quality step at 512 px
    took 0.49 s in channels_last vs 0.58 s in NCHW (bench/results/engine-cpu.md). MPS keeps NCHW.
    """
    where = choose_device(device)
    if precision not in ("auto", "float32", "bfloat16", "float16"):
        raise ValueError(f"unknown precision {precision!r}: choose auto, float32, bfloat16 or float16")
    layout = where.type in ("cpu", "cuda") if channels_last is None else channels_last
    if precision != "auto":
        return Compute(where, getattr(torch, precision), layout)
    if where.type == "cuda":
        bf16 = torch.cuda.is_bf16_supported()
        return Compute(where, torch.bfloat16 if bf16 else torch.float16, layout)
    if where.type == "cpu" and _cpu_has_native_bf16():
        return Compute(where, torch.bfloat16, layout)
    return Compute(where, torch.float32, layout)
