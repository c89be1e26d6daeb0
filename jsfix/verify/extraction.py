"""What the harness cuts out of a file: the two functions and what they reach.

There is one extraction, the harness's own (jsfix/verify/parts/extraction.js):
`jsfix verify` and a fork's generated suite both run it. `extract` asks the
harness for it without running the scenarios, for tests and scripts that
look at what would run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jsfix.verify.runner import build_job, run_job


@dataclass(frozen=True)
class Extraction:
    """What the harness runs for one file."""

    source: str  # the kept declarations of the file, in file order, joined by newlines
    sources: tuple[str, ...]  # the same, one per kept declaration (without the import lines)
    declared: tuple[str, ...]  # every top-level name the kept source binds (imports included)
    # How the harness reads and assigns each of the paging state's names the
    # file keeps: the name itself, or a property of a state object.
    state_access: tuple[tuple[str, str], ...]
    free: tuple[str, ...]  # names the kept sources use but do not declare or import
    optional: tuple[str, ...]  # free names only ever probed with `typeof`
    module: bool  # read as an ES module
    strict: bool  # a module, or a script that opens with "use strict"
    kept: tuple[str, ...]  # first name of each kept declaration, for reports
    modules: tuple[tuple[str, str], ...] = ()  # the other modules to link, as (id, source)
    entry: str = "<entry>"  # the file's own id among the modules

    @property
    def state(self) -> tuple[str, ...]:
        """The paging state's names the file declares itself."""
        return tuple(name for name, access in self.state_access if access == name)


def extract(text: str, *, path: Path | None = None, root: Path | None = None) -> Extraction:
    """The harness's extraction of `text` (BOM removed). Raises NotApplicable or Unverifiable."""
    answer = run_job({**build_job(text, path=path, root=root), "extractOnly": True})["extraction"]
    return Extraction(
        source=answer["source"],
        sources=tuple(answer["sources"]),
        declared=tuple(answer["declared"]),
        state_access=tuple(answer["state"].items()),
        free=tuple(answer["free"]),
        optional=tuple(answer["optional"]),
        module=answer["module"],
        strict=answer["strict"],
        kept=tuple(answer["kept"]),
        modules=tuple((each["id"], each["source"]) for each in answer["modules"]),
        entry=answer["entry"],
    )
