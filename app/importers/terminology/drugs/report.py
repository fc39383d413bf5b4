"""What a terminology import did: the figures a user reads on their own release."""

from collections import Counter
from dataclasses import dataclass, field

MAX_LISTED = 20  # ambiguous drugs named in the report (all are counted)


@dataclass
class TerminologyReport:
    changed: bool
    release: str = ""  # "RxNorm 20241104", "WHO ATC 2025"
    rows_read: dict[str, int] = field(default_factory=dict)
    # By the release that made the drug (seed, sider): matched / ambiguous / unmatched.
    drugs: dict[str, Counter[str]] = field(default_factory=dict)
    ambiguous: list[str] = field(default_factory=list)  # "slug: candidate, candidate"
    codes: Counter[str] = field(default_factory=Counter)  # system -> codes written
    aliases: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # why, -> how many
    seconds: float = 0.0

    def count(self, drug_release: str, outcome: str) -> None:
        self.drugs.setdefault(drug_release, Counter())[outcome] += 1

    def lines(self) -> list[str]:
        """The report as plain lines (the CLI prints them; tests read them)."""
        out = [f"{self.release}: " + ", ".join(f"{n:,} {k}" for k, n in self.rows_read.items())]
        for release, counts in sorted(self.drugs.items()):
            total = sum(counts.values())
            out.append(
                f"drugs from {release}: {total:,}; matched {counts['matched']:,}, "
                f"ambiguous {counts['ambiguous']:,}, unmatched {counts['unmatched']:,}"
            )
        codes = ", ".join(f"{n:,} {system}" for system, n in sorted(self.codes.items()))
        out.append(f"codes written: {codes or 'none'}; brand names: {self.aliases:,}")
        out += [f"ambiguous, left without a code: {a}" for a in self.ambiguous[:MAX_LISTED]]
        if len(self.ambiguous) > MAX_LISTED:
            out.append(f"... and {len(self.ambiguous) - MAX_LISTED:,} more ambiguous")
        out += [f"skipped {n:,}: {why}" for why, n in sorted(self.skipped.items())]
        return out
