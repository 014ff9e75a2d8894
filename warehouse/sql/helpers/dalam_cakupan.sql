-- dalam_cakupan(kode, provinsi): a kabupaten's, kecamatan's or province's code lies in the scope of
-- a report: province `provinsi` (its two digits), or every province when `provinsi` is null.
create or replace macro dalam_cakupan(kode, provinsi) as
provinsi is null or left(kode, 2) = provinsi;
