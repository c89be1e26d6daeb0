from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@dataclass(frozen=True)
class Case:
    name: str
    directory: Path

    @property
    def input_bytes(self) -> bytes:
        return (self.directory / "input.js").read_bytes()

    @property
    def expected_bytes(self) -> bytes | None:
        path = self.directory / "expected.js"
        return path.read_bytes() if path.exists() else None

    @property
    def expected_outcome(self) -> dict | None:
        path = self.directory / "expected.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def all_cases() -> list[Case]:
    return [
        Case(path.name, path)
        for path in sorted(FIXTURES.iterdir())
        if (path / "input.js").exists() and ((path / "expected.js").exists() or (path / "expected.json").exists())
    ]


def must_fix_cases() -> list[Case]:
    return [case for case in all_cases() if case.expected_bytes is not None]


def outcome_cases() -> list[Case]:
    return [case for case in all_cases() if case.expected_outcome is not None]


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
