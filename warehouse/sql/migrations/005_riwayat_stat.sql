-- The journal keeps the columns migration 003 added to `unggahan` (the inode's change time and
-- the inode number), so that `unggahan` as known on a moment has every column `unggahan` has.
alter table riwayat_unggahan add column diubah_status_ns bigint;
alter table riwayat_unggahan add column inode bigint;

-- The versions in force take the values the ledger holds now.
update riwayat_unggahan
set diubah_status_ns = unggahan.diubah_status_ns, inode = unggahan.inode
from unggahan
where riwayat_unggahan.file = unggahan.file
  and riwayat_unggahan.sha256 = unggahan.sha256
  and riwayat_unggahan.ada;
