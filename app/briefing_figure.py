"""The briefing's figure: who carries which tasks, drawn with matplotlib in a CJK font that ships with policykg.

The font comes from a package dependency (``pylopdf-fonts-zh-cn``: Noto Sans SC, SIL Open Font License), so a
fresh install draws Chinese without any system font; a system Noto Sans CJK is the fallback. Every label is
checked against the font's character map before drawing, so a missing glyph is an error, never an empty box.
See ``ontology/fonts/README.md``.
"""
from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from policykg.graph.model import PolicyGraph

# System fonts tried when the font package is missing (Debian's fonts-noto-cjk, then common places).
_SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
_TYPE_COLOURS = {"Document": "#4e79a7", "Department": "#59a14f"}


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """The shipped Noto Sans SC (from the font package), else a system Noto Sans CJK."""
    try:
        import pylopdf_fonts_zh_cn

        path = Path(pylopdf_fonts_zh_cn.sans_path())
        if path.is_file():
            return path
    except ImportError:
        pass
    for candidate in _SYSTEM_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise FontMissing("no CJK font: install policykg's dependency pylopdf-fonts-zh-cn (Noto Sans SC) "
                      "or the system package fonts-noto-cjk")


def missing_glyphs(text: str, font_path: Path | None = None) -> set[str]:
    """Characters of ``text`` the font has no glyph for (whitespace aside)."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(str(font_path or cjk_font_path()))
    return {ch for ch in set(text) if not ch.isspace() and font.get_char_index(ord(ch)) == 0}


def _short_name(name: str, parents: list[str]) -> str:
    """A division's name without its parent's prefix (江西省教育厅职成处 -> 职成处) to keep labels short."""
    for parent in parents:
        if name.startswith(parent) and len(name) > len(parent):
            return name[len(parent):]
    return name


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _partners(graph: PolicyGraph, task_ids: list[str], centre: set[str]) -> list[tuple[str, int, int]]:
    """(department id, tasks it leads, tasks it supports) among the tasks, centre departments left out."""
    tasks = set(task_ids)
    lead: dict[str, set[str]] = {}
    support: dict[str, set[str]] = {}
    for e in graph.edges.values():
        if e.source in tasks and e.target not in centre:
            if e.type == "LEAD":
                lead.setdefault(e.target, set()).add(e.source)
            elif e.type == "SUPPORT":
                support.setdefault(e.target, set()).add(e.source)
    ids = set(lead) | set(support)
    out = [(d, len(lead.get(d, ())), len(support.get(d, set()) - lead.get(d, set()))) for d in ids]
    return sorted(out, key=lambda t: (-(t[1] + t[2]), -t[1], graph.nodes[t[0]].props.get("name") or t[0]))


def figure_png(graph: PolicyGraph, task_ids: list[str], centre: set[str] | None = None, centre_label: str = "",
               width_cm: float = 15.5, dpi: int = 200, max_partners: int = 24) -> tuple[bytes, list[str]]:
    """A PNG of the selection as a co-responsibility map: the selection at the centre, every department that
    leads or supports its tasks around it, line width and number = tasks shared (solid: leads some, dashed:
    supports only). Returns the PNG and every text drawn; raises FontMissing if the font lacks a character."""
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    font_path = cjk_font_path()
    fp = FontProperties(fname=str(font_path))
    centre = centre or set()
    partners = _partners(graph, task_ids, centre)
    shown, hidden = partners[:max_partners], partners[max_partners:]
    parents = [graph.nodes[e.target].props.get("name", "") for e in graph.edges.values()
               if e.type == "SUB_ORGANIZATION_OF" and e.target in centre]
    names = [_clip(_short_name(graph.nodes[d].props.get("name") or d, parents), 16) for d, _, _ in shown]
    texts = [f"{name}（{lead + sup}）" for name, (_, lead, sup) in zip(names, shown)]
    centre_text = f"{_clip(centre_label, 18)}\n任务{len(task_ids)}项"
    top = max((l + s for _, l, s in hidden), default=0)
    notes = [f"另有{len(hidden)}个部门（各涉及{'1项' if top == 1 else f'不超过{top}项'}任务）未画出"] if hidden else []
    legend_texts = ["牵头（含牵头）", "仅配合", "括号内为共同承担的任务数"]
    drawn = texts + [centre_text] + notes + legend_texts
    missing = missing_glyphs("".join(drawn), font_path)
    if missing:
        raise FontMissing(f"the font {font_path.name} has no glyph for {''.join(sorted(missing))}")

    height_cm = width_cm * 0.75
    fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi)
    ax.set_axis_off()
    ax.set_xlim(-2.1, 2.1)
    ax.set_ylim(-1.22, 1.08)
    most = max([lead + sup for _, lead, sup in shown] or [1])
    sides = (shown[0::2], shown[1::2])            # alternate right and left: the biggest at the top of each
    label_of = dict(zip((d for d, _, _ in shown), texts))
    for side, items in zip((1, -1), sides):
        for j, (dept, lead, sup) in enumerate(items):
            y = 1.0 - 2.0 * (j + 0.5) / max(len(items), 1) if len(items) > 1 else 0.5
            x = side * (0.5 + 0.45 * math.sqrt(max(0.0, 1 - y * y)))
            weight = (lead + sup) / most
            ax.plot([0, x], [0, y], color="#333333" if lead else "#9a9a9a", ls="-" if lead else "--",
                    lw=0.6 + 2.6 * weight, zorder=1)
            ax.scatter([x], [y], s=30 + 120 * weight, color=_TYPE_COLOURS["Department"] if lead else "#9fcf97",
                       marker="D", zorder=3, linewidths=0)
            ax.text(x + side * 0.07, y, label_of[dept], fontproperties=fp, fontsize=6.3,
                    ha="left" if side > 0 else "right", va="center", color="#222222", zorder=4)
    ax.text(0, 0, centre_text, fontproperties=fp, fontsize=7, ha="center", va="center", color="white",
            zorder=6, linespacing=1.4,
            bbox={"boxstyle": "round,pad=0.6", "fc": _TYPE_COLOURS["Document"], "ec": "none"})
    legend = [Line2D([], [], color="#333333", lw=1.6, label=legend_texts[0]),
              Line2D([], [], color="#9a9a9a", lw=1.2, ls="--", label=legend_texts[1]),
              Line2D([], [], ls="", label=legend_texts[2])]
    ax.legend(handles=legend, prop=FontProperties(fname=str(font_path), size=6.3), loc="lower left",
              frameon=False, ncol=3, bbox_to_anchor=(0.0, -0.02))
    if notes:
        ax.text(2.1, -1.2, notes[0], fontproperties=fp, fontsize=6, ha="right", va="bottom", color="#555555")
    buf = io.BytesIO()
    fig.tight_layout(pad=0.2)
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue(), drawn
