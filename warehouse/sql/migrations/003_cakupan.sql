-- The scope (provinces) a warehouse is built with, remembered from its first run: a run with
-- another scope is refused unless the operator asks to change it (CONTRACT §2). One row.
create table cakupan (
    provinsi varchar not null,  -- canonical: "52", "52,53", or "all"
    ditetapkan_pada timestamptz not null
);

-- A file rewritten with the same size and modification time is still new bytes: the inode's
-- change time (which no client can set) and the inode number tell the nightly to read it again.
alter table unggahan add column diubah_status_ns bigint;
alter table unggahan add column inode bigint;
