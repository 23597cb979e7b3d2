"""Can this machine render our reports correctly and fast? Pango, a CJK font, HarfBuzz subsetting."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

MIN_PANGO = (1, 44, 0)  # WeasyPrint's floor


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _pango() -> Check:
    try:
        from weasyprint.text.ffi import pango
    except (ImportError, OSError) as exc:  # WeasyPrint raises OSError when libpango is missing
        return Check("pango", False, f"Pango could not be loaded: {exc}. Install libpango-1.0-0.")
    number = pango.pango_version()
    version = (number // 10000, number // 100 % 100, number % 100)
    text = ".".join(map(str, version))
    if version < MIN_PANGO:
        return Check("pango", False, f"Pango {text} is older than 1.44; upgrade libpango-1.0-0.")
    return Check("pango", True, f"Pango {text}")


def _cjk_font() -> Check:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return Check("cjk_font", False, "fc-list not found; cannot check fonts (install fontconfig).")
    result = subprocess.run(
        [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=20, check=False
    )
    families = sorted({line.split(",")[0].strip() for line in result.stdout.splitlines() if line.strip()})
    noto = [f for f in families if "CJK SC" in f]
    if not families:
        return Check("cjk_font", False, "No font covers Simplified Chinese: install fonts-noto-cjk (Debian).")
    if not noto:
        return Check("cjk_font", True, f"Chinese falls back to {families[0]}; fonts-noto-cjk recommended.")
    return Check("cjk_font", True, ", ".join(noto))


def _harfbuzz_subset() -> Check:
    try:
        from weasyprint.text.ffi import harfbuzz_subset
    except (ImportError, OSError) as exc:
        return Check("harfbuzz_subset", False, f"WeasyPrint could not be loaded: {exc}")
    if harfbuzz_subset is None:
        return Check(
            "harfbuzz_subset",
            False,
            "libharfbuzz-subset0 is missing: WeasyPrint falls back to a Python font subsetter and "
            "Chinese reports render 2-30x slower. Install libharfbuzz-subset0.",
        )
    return Check("harfbuzz_subset", True, "HarfBuzz subsetter loaded")


def rendering_health() -> list[Check]:
    """One ``Check`` per requirement; ``ok`` False names what to install."""
    return [_pango(), _cjk_font(), _harfbuzz_subset()]
