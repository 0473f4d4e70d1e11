"""What a check of a synonym file or of boosts.toml found: errors (nothing is published while
there are any) and warnings (published, but worth a second look), each with its line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    line: int | None  # 1-based; None when the problem is not on one line
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Report:
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(Problem(line, message))

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(Problem(line, message))

    def as_dict(self) -> dict:
        def rows(problems):
            return [{"line": p.line, "message": p.message} for p in problems]

        return {"ok": self.ok, "errors": rows(self.errors), "warnings": rows(self.warnings)}
