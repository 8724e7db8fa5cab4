"""Scenario colours fixed by name, so that "coordinator" has the same colour
in every report: a stable hash of the name (CRC-32, not Python's salted
hash()) picks a colour of a fixed palette; the baseline is always grey.
Two names of one report that hash to the same colour: the one later in the
file's scenario order takes the next free colour. So a name changes colour
only when an earlier scenario of the same report took its colour: options
added at the end of an experiment leave the others' colours alone."""
import zlib

BASELINE_GREY = "#7f7f7f"
# Matplotlib's tab10 without its grey (kept for the baseline), then black and
# two light tints: twelve colours that stay apart on a white page.
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
           "#e377c2", "#bcbd22", "#17becf", "#000000", "#a6cee3", "#b2df8a"]


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
