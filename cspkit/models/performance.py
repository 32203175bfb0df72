"""``records/performance/<YYYY-YY>.yaml``: indicators by quarter of a financial year.

Where both this year's value and the same period last year are known, the change and the
RAG status are derived from them, never typed in: a count or a rate changes by a percentage
("+38.6%"), a percentage by percentage points ("+10.7 pts"). Where a source gives only the
change (the Charnwood minutes report "+38.6%"), the record keeps ``reported_change`` and says so.

YAML reads 73.20 as the number 73.2, so how many decimal places a figure is published with is
said once, by ``decimals`` on the year or on an indicator, not by how a number is typed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cspkit.models.common import FinancialYear, Markdown, Number, Record, Slug, StrEnum, empty_list


class Unit(StrEnum):
    count = "count"  # type: ignore[assignment]  # a member named like str.count: fine for an enum
    per_1000 = "per-1000"
    percent = "percent"


class Polarity(StrEnum):
    lower_is_better = "lower-is-better"
    higher_is_better = "higher-is-better"


Quarter = Literal["Q1", "Q2", "Q3", "Q4"]


class Reading(Record):
    quarter: Quarter
    value: Number | None = None
    previous: Number | None = None
    """The same period last year."""
    reported_change: Number | None = None
    """The % change as the source reported it, when the values themselves are not given."""
    note: Markdown | None = None

    @model_validator(mode="after")
    def _not_both(self) -> Reading:
        if self.value is not None and self.previous is not None and self.reported_change is not None:
            raise ValueError(
                "reported_change is derived when value and previous are known: remove it"
            )
        if self.value is None and self.previous is None and self.reported_change is None:
            raise ValueError("a reading needs a value, a previous value or a reported_change")
        return self

    @property
    def change(self) -> float | None:
        """% change on the same period last year (derived where possible)."""
        if self.value is not None and self.previous not in (None, 0):
            return round((self.value - self.previous) / self.previous * 100, 1)
        return self.reported_change

    @property
    def points_change(self) -> float | None:
        """The change in percentage points (for an indicator that is itself a percentage)."""
        if self.value is not None and self.previous is not None:
            return round(self.value - self.previous, 1)
        return None


class Indicator(Record):
    id: Slug
    name: str
    unit: Unit = Unit.count
    polarity: Polarity = Polarity.lower_is_better
    target: Number | None = None
    tolerance: Number | None = Field(None, ge=0)
    """Percent either side of the target (or of last year's figure, without a target) still Amber."""
    priority: int | None = None
    """Strategic priority the indicator measures."""
    source: str | None = None
    """Where the figures come from, and what they leave out."""
    decimals: int | None = Field(None, ge=0, le=4)
    """Decimal places the figures are published with (73.20 needs 2); default: the year's."""
    readings: list[Reading] = empty_list()

    def shown_change(self, reading: Reading) -> tuple[float, str] | None:
        """The change to print and its unit: percentage points for a percentage, else %."""
        if self.unit == Unit.percent and reading.points_change is not None:
            return reading.points_change, "pts"
        if reading.change is None:
            return None
        return reading.change, "%"

    def rag(self, reading: Reading) -> str | None:
        """R, A or G against the target (or, without one, last year within tolerance)."""
        v = reading.value
        if v is None:
            return None
        lower = self.polarity == Polarity.lower_is_better

        def better(a: float, b: float) -> bool:
            return a <= b if lower else a >= b

        if self.target is not None:
            if better(v, self.target):
                return "G"
            tol = abs(self.target) * (self.tolerance or 0) / 100
            gap = abs(v - self.target)
            return "A" if gap <= tol else "R"
        if self.tolerance is not None and reading.previous is not None:
            if better(v, reading.previous):
                return "G"
            change = abs(reading.change or 0)
            return "A" if change <= self.tolerance else "R"
        return None


class PerformanceYear(Record):
    year: FinancialYear
    area: str | None = None
    """The area the figures cover ("Charnwood", "Leicestershire")."""
    source: str | None = None
    decimals: int | None = Field(None, ge=0, le=4)
    """Decimal places every figure is published with, unless an indicator says otherwise;
    without it a figure is printed as briefly as it can be (73.2, 37)."""
    indicators: list[Indicator]
