-- Decided files read again only because their stat changed (touched, restored from a backup):
-- their ledger rows take the new stat, so the next run does not read them again.
--
-- reads: stats_df
update unggahan
set
    ukuran = stats_df.ukuran,
    diubah_pada_ns = stats_df.diubah_pada_ns,
    diubah_pada = to_timestamp(stats_df.diubah_pada_ns / 1e9),
    diubah_status_ns = stats_df.diubah_status_ns,
    inode = stats_df.inode
from stats_df
where unggahan.file = stats_df.file
  and unggahan.sha256 = stats_df.sha256
