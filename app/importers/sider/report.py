"""What a SIDER import did, and its closing summary as a rich table."""

from dataclasses import dataclass, field

from rich.table import Table


@dataclass
class SiderReport:
    changed: bool  # False: same files as the last import, nothing written
    rows_read: dict[str, int] = field(default_factory=dict)  # per file
    drugs: int = 0  # with SIDER records
    drugs_created: int = 0
    effects: int = 0  # with SIDER records
    effects_created: int = 0
    pairs: int = 0  # drug x effect records SIDER backs (context side_effect)
    pairs_on_existing: int = 0  # of which existing (curated) records it only adds evidence to
    withdrawal: int = 0  # of which in the withdrawal context (the drug's own withdrawal terms)
    frequencies: int = 0  # evidence rows that carry a meddra_freq row
    evidence: int = 0  # all SIDER evidence rows
    uses: int = 0
    aliases: int = 0
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> rows or names
    errata: str | None = None  # the errata file applied and how many rows it dropped
    seconds: float = 0.0


def summary_table(report: SiderReport) -> Table:
    table = Table(title="SIDER import", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    for file, rows in report.rows_read.items():
        table.add_row(f"rows read: {file}", f"{rows:,}")
    table.add_row("drugs (created)", f"{report.drugs:,} ({report.drugs_created:,})")
    table.add_row("effects (created)", f"{report.effects:,} ({report.effects_created:,})")
    table.add_row(
        "drug-effect pairs (on existing records)",
        f"{report.pairs:,} ({report.pairs_on_existing:,})",
    )
    table.add_row("of which withdrawal (the drug's own)", f"{report.withdrawal:,}")
    table.add_row("frequencies", f"{report.frequencies:,}")
    table.add_row("evidence rows", f"{report.evidence:,}")
    table.add_row("drug uses (indications)", f"{report.uses:,}")
    table.add_row("brand-name aliases", f"{report.aliases:,}")
    table.add_row("errata applied", report.errata or "none (no meddra_freq_to_exclude.tsv)")
    for reason, count in sorted(report.skipped.items()):
        table.add_row(f"skipped: {reason}", f"{count:,}")
    table.add_row("seconds", f"{report.seconds:.1f}")
    return table
