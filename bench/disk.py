"""A warehouse's bytes on disk, by part: the measure the footprint, history and year benches share
(a module of its own, importing no other bench module)."""

from __future__ import annotations

from pathlib import Path


def footprint(warehouse: Path) -> dict[str, int]:
    """Bytes on disk: the catalog, the writer's working file, the partition files the catalog
    names, and the others (replaced ones waiting out their grace, or a killed run's)."""
    from warehouse import publish

    folder = publish.folder_of(warehouse)
    named = {str(f) for f in publish.inspect(warehouse).files}
    parquet = list(folder.glob("*/*.parquet"))
    work = [folder / "kerja.duckdb", folder / "kerja.duckdb.wal"]
    return {
        "katalog": warehouse.stat().st_size,
        "kerja": sum(p.stat().st_size for p in work if p.exists()),
        "bagian": sum(p.stat().st_size for p in parquet if str(p) in named),
        "bagian_lama": sum(p.stat().st_size for p in parquet if str(p) not in named),
    }
