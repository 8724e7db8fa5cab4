"""Scenario colours fixed by name, so that "coordinator" has the same colour
in every report: a stable hash of the name (CRC-32, not Python's salted
hash()) picks a colour of a fixed palette; the baseline is always grey.
Two names of one report that hash to the same colour: the one later in the
file's scenario order takes the next free colour. So a name changes colour
only when an earlier scenario of the same report took its colour: options
added at the end of an experiment leave the others' colours alone."""
import zlib

BASELINE_GREY = "#7f7f7f"
# Colour-blind-aware, no grey (kept for the baseline); dark enough on white.
PALETTE = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c",
           "#e07a1f", "#8c564b", "#c2185b", "#7cb518", "#3d5a80", "#b5838d"]


def preferred(name):
    """The palette index a name hashes to."""
    return zlib.crc32(str(name).encode("utf-8")) % len(PALETTE)


def scenario_colours(names, baseline=None):
    """{name: colour} for the names of one report (in the file's order); the
    baseline grey."""
    out, used = {}, set()
    for name in dict.fromkeys(n for n in names if n != baseline):
        i = preferred(name)
        if len(used) < len(PALETTE):
            while PALETTE[i] in used:
                i = (i + 1) % len(PALETTE)
        out[name] = PALETTE[i]
        used.add(PALETTE[i])
    if baseline is not None:
        out[baseline] = BASELINE_GREY
    return out
