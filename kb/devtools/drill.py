"""The fault drill's report: one row per scenario, printed as a Markdown table for docs/."""

from __future__ import annotations

from dataclasses import dataclass

HEADERS = ("场景", "做了什么", "过期答复", "丢失", "重复", "5xx", "结果")


@dataclass
class Row:
    """One scenario's outcome. None in a count means the scenario does not measure it."""

    scenario: str
    done: str
    stale: int | None = None
    checks: int | None = None  # the N of "stale answers out of N"
    lost: int | None = None
    duplicated: int | None = None
    fivexx: int | None = None
    passed: bool = False
    note: str = ""


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


def drill_table(rows: list[Row]) -> str:
    """The rows as a Markdown table: scenario, what was done, stale of N, lost, duplicated, 5xx."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
    ]
    for row in rows:
        stale = "—" if row.stale is None else f"{row.stale}/{_count(row.checks)}"
        verdict = "通过" if row.passed else "未通过"
        if row.note:
            verdict += "\uff1a" + row.note
        cells = (
            row.scenario,
            row.done,
            stale,
            _count(row.lost),
            _count(row.duplicated),
            _count(row.fivexx),
            verdict,
        )
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    return "\n".join(lines)
