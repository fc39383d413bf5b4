"""A partial SIDER release is refused, and the database keeps what the last import left.

meddra_all_se cut at a line boundary reads as a valid, smaller file; the import compares what
it would leave with what the last import left, kind by kind (release_guard.py). Tried on the
hand-made fixtures and on the real release (skipped when ../shared/data/sider is absent).
"""

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from app.importers.sider.files import FILES, SiderError
from app.importers.sider.load import import_sider
from app.importers.sider.release_guard import MAX_DROP, Guard, ReleaseCounts, check_release
from app.models import Base, DataRelease
from tests.conftest import SIDER_DIR, SIDER_FIXTURES, seeded, separate_database

KEPT = [0.05, 0.20, 0.45]  # shares of meddra_all_se's lines the probe kept
REAL = any(SIDER_DIR.glob("meddra_all_se.tsv*"))


def truncated_release(source: Path, target: Path, kept: float) -> Path:
    """SOURCE's files in TARGET (linked), meddra_all_se cut after KEPT of its lines, at a line
    boundary, in the same format (gzip stays gzip)."""
    target.mkdir()
    for path in source.iterdir():
        if path.name.startswith("meddra_all_se."):
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as file:
                lines = file.readlines()
            with opener(target / path.name, "wb") as out:
                out.writelines(lines[: max(1, round(len(lines) * kept))])
        elif path.name.endswith((".tsv", ".tsv.gz")):
            (target / path.name).symlink_to(path.resolve())
    return target


def table_counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.scalar(select(func.count()).select_from(t)) or 0
        for t in Base.metadata.sorted_tables
    }


@pytest.mark.parametrize("kept", KEPT)
def test_a_truncated_side_effect_file_is_refused_and_nothing_changes(
    session: Session, tmp_path: Path, kept: float
) -> None:
    import_sider(session, SIDER_FIXTURES)
    before = table_counts(session)
    release = truncated_release(SIDER_FIXTURES, tmp_path / "cut", kept)
    with pytest.raises(SiderError, match=r"drug x effect records \d+ -> \d+ \(-\d+%\)") as refused:
        import_sider(session, release)
    assert "--allow-shrink" in str(refused.value)
    assert table_counts(session) == before


def test_allow_shrink_accepts_a_smaller_release(session: Session, tmp_path: Path) -> None:
    full = import_sider(session, SIDER_FIXTURES)
    report = import_sider(
        session, truncated_release(SIDER_FIXTURES, tmp_path / "cut", 0.45), allow_shrink=True
    )
    assert report.changed
    assert report.pairs < full.pairs * (1 - MAX_DROP)


def test_a_refusal_says_when_another_importer_version_made_the_last_import(
    session: Session, tmp_path: Path
) -> None:
    """A new importer may keep fewer rows of the same files: the operator is told so."""
    import_sider(session, SIDER_FIXTURES)
    release = session.get_one(DataRelease, "sider")
    release.checksum = "sider-importer-0:" + release.checksum.split(":")[1]
    session.flush()
    with pytest.raises(SiderError, match=r"importer changed since the last import \(sider-impo"):
        import_sider(session, truncated_release(SIDER_FIXTURES, tmp_path / "cut", 0.05))


def test_the_first_import_has_nothing_to_compare_with(session: Session, tmp_path: Path) -> None:
    report = import_sider(session, truncated_release(SIDER_FIXTURES, tmp_path / "cut", 0.45))
    assert report.changed


def test_a_last_line_without_its_newline_is_refused(session: Session, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(SIDER_FIXTURES, release)
    path = release / "meddra_all_se.tsv"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))  # the last row looks complete: it is not
    with pytest.raises(SiderError, match=r"meddra_all_se\.tsv:37: the last line is cut"):
        import_sider(session, release)


def test_a_gzip_file_whose_last_line_is_cut_is_refused(session: Session, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(SIDER_FIXTURES, release)
    path = release / "meddra_freq.tsv.gz"
    data = gzip.decompress(path.read_bytes())
    path.write_bytes(gzip.compress(data[: data.rindex(b"\t")]))  # a valid stream, a cut row
    with pytest.raises(SiderError, match=r"meddra_freq\.tsv\.gz:\d+: the last line is cut"):
        import_sider(session, release)


def test_a_file_with_few_rows_for_its_size_is_refused(session: Session, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(SIDER_FIXTURES, release)
    path = release / "meddra_all_indications.tsv"
    path.write_bytes(path.read_bytes() + b"\n" * 100_000)  # padding, not rows
    with pytest.raises(SiderError, match=r"meddra_all_indications\.tsv: 7 rows in .* implausible"):
        import_sider(session, release)


@pytest.fixture(scope="module")
def real_release(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if not REAL:
        pytest.skip(f"real SIDER files not found in {SIDER_DIR} (never copy them here)")
    with separate_database(database_url, tmp_path_factory.mktemp("guard"), "guard") as url:
        engine = seeded(url)
        with Session(engine) as session, session.begin():
            import_sider(session, SIDER_DIR)
        yield engine
        engine.dispose()


@pytest.mark.slow  # imports the real release
@pytest.mark.parametrize("kept", KEPT)
def test_the_real_release_cut_short_is_refused_and_nothing_changes(
    real_release: Engine, tmp_path: Path, kept: float
) -> None:
    with Session(real_release) as session:
        before = table_counts(session)
    release = truncated_release(SIDER_DIR, tmp_path / "cut", kept)
    assert {p.name.split(".")[0] for p in release.iterdir()} >= set(FILES)
    with (
        Session(real_release) as session,
        session.begin(),
        pytest.raises(SiderError, match=r"drug x effect records [\d,]+ -> [\d,]+ \(-\d+%\)"),
    ):
        import_sider(session, release)
    with Session(real_release) as session:
        assert table_counts(session) == before


def test_an_importer_change_widens_the_limit_and_still_refuses_a_partial_download() -> None:
    """sider-importer-4 keeps one PT per label term: 10-12% fewer rows of the same files."""
    last = ReleaseCounts(records=1000, drugs=100, effects=50, frequencies=1000, uses=10)
    same_files = ReleaseCounts(records=897, drugs=98, effects=49, frequencies=880, uses=10)
    cut = ReleaseCounts(records=680, drugs=80, effects=45, frequencies=700, uses=10)
    with pytest.raises(SiderError, match=r"frequency rows 1,000 -> 880 \(-12%\)"):
        check_release(last, same_files, Guard(allow_shrink=False, importer_change=None))
    check_release(last, same_files, Guard(allow_shrink=False, importer_change="3 -> 4"))
    with pytest.raises(SiderError, match=r"more than 25% fewer"):
        check_release(last, cut, Guard(allow_shrink=False, importer_change="3 -> 4"))
