-- What analysts read with `select comment from duckdb_tables()`, `duckdb_views()`,
-- `duckdb_columns()` and `duckdb_functions()` in the catalog (issue 25): one line in Indonesian per
-- relation, column and macro that a migration or warehouse/macros.py makes, the definition and the
-- grain. The marts describe themselves in their own headers (`comment:`, `column <name>:`,
-- warehouse/models.py); the analysts' `<relasi>_per(waktu)` macros take their relation's line.
--
-- Applied to every catalog and backup as it is written (warehouse/komentar.py), not kept in the
-- working file: a catalog's tables are copied and its large relations are views over Parquet, and
-- neither carries a comment over. A statement naming something the catalog does not hold is
-- skipped (a warehouse without marts yet); tests/warehouse/test_comments.py holds every line used.
--
-- The journal's copies (`riwayat_unggahan` of `unggahan`, `riwayat_temuan` of `kualitas_data`,
-- `arsip_riwayat_kecamatan` of `riwayat_kecamatan`) take the source's line for a column they share
-- and do not describe here (komentar.SAME_AS).

-- Reference
comment on table wilayah_kabupaten is 'Daftar kabupaten/kota dalam cakupan (Kemendagri): satu baris per kabupaten/kota.';
comment on column wilayah_kabupaten.kode_kabupaten is 'Kode kabupaten/kota Kemendagri (4 digit).';
comment on column wilayah_kabupaten.kode_provinsi is 'Kode provinsi (2 digit).';
comment on column wilayah_kabupaten.nama is 'Nama kabupaten/kota.';

comment on table wilayah_kecamatan is 'Daftar kecamatan dalam cakupan (Kemendagri): satu baris per kecamatan.';
comment on column wilayah_kecamatan.kode_kecamatan is 'Kode kecamatan Kemendagri (6 digit).';
comment on column wilayah_kecamatan.kode_kabupaten is 'Kode kabupaten/kota kecamatan itu (4 digit).';
comment on column wilayah_kecamatan.nama is 'Nama kecamatan.';

comment on table cakupan is 'Cakupan provinsi gudang data ini, dicatat pada proses pertama: satu baris.';
comment on column cakupan.provinsi is 'Kode provinsi cakupan: "52", beberapa dipisah koma ("52,53"), atau "all".';
comment on column cakupan.ditetapkan_pada is 'Waktu cakupan ditetapkan (timestamptz).';

-- Files and findings
comment on table unggahan is 'Buku besar berkas: satu baris per berkas yang pernah dilihat (jalur + isi), dengan keputusan terakhirnya.';
comment on column unggahan.file is 'Jalur berkas relatif terhadap folder landing (<kotak masuk>/<nama berkas>).';
comment on column unggahan.sha256 is 'SHA-256 isi berkas; jalur yang sama dengan isi lain adalah berkas baru.';
comment on column unggahan.kode_kabupaten is 'Nama folder kotak masuk berkas (kode kabupaten/kota 4 digit bila sah).';
comment on column unggahan.tanggal is 'Tanggal laporan: dari isi berkas, atau dari nama berkas bila isinya tidak menyebutnya; kosong bila tidak ada.';
comment on column unggahan.status is 'Keputusan: loaded (dimuat, berlaku), superseded (sah, digantikan berkas lebih baru), rejected (ditolak) atau duplicate (salinan persis, diabaikan).';
comment on column unggahan.alasan is 'Ringkasan temuan berkas: alasan penolakan, peringatan, atau mengapa digantikan/diabaikan; kosong bila tidak ada.';
comment on column unggahan.baris is 'JUMLAH baris kecamatan dalam berkas (bukan nomor baris; nomor baris temuan ada di kualitas_data.baris).';
comment on column unggahan.diproses_pada is 'Waktu proses yang mengambil keputusan terakhir atas berkas (timestamptz).';
comment on column unggahan.run_id is 'Id proses yang mengambil keputusan terakhir atas berkas.';
comment on column unggahan.ukuran is 'Ukuran berkas dalam byte.';
comment on column unggahan.diubah_pada is 'Waktu ubah berkas (mtime) menurut sistem berkas (timestamptz).';
comment on column unggahan.diubah_pada_ns is 'Waktu ubah berkas (mtime) dalam nanodetik sejak 1970-01-01 UTC.';
comment on column unggahan.diubah_status_ns is 'Waktu ubah status inode (ctime) dalam nanodetik sejak 1970-01-01 UTC: berkas yang ditulis ulang dibaca lagi.';
comment on column unggahan.inode is 'Nomor inode berkas saat terakhir dilihat.';
comment on column unggahan.tiba_pada is 'Waktu tiba berkas: yang lebih awal dari waktu ubahnya dan proses pertama yang melihatnya; dicatat sekali (timestamptz).';

comment on table kualitas_data is 'Temuan pemeriksaan: satu baris per temuan keputusan terakhir setiap berkas (temuan di atas batas per berkas dan aturan diringkas dalam satu baris).';
comment on column kualitas_data.file is 'Jalur berkas relatif terhadap folder landing, seperti unggahan.file.';
comment on column kualitas_data.sha256 is 'SHA-256 isi berkas (unggahan.sha256).';
comment on column kualitas_data.kode_kabupaten is 'Nama folder kotak masuk berkas (kode kabupaten/kota bila sah).';
comment on column kualitas_data.tanggal is 'Tanggal laporan berkas (unggahan.tanggal).';
comment on column kualitas_data.kode_kecamatan is 'Kecamatan yang disebut temuan; kosong bila temuan menyangkut seluruh berkas.';
comment on column kualitas_data.aturan is 'Nama aturan yang dilanggar (docs/definitions.md), misalnya rekam_melebihi_wajib.';
comment on column kualitas_data.tingkat is 'error (berkas ditolak) atau warning (dilaporkan, berkas tetap dimuat).';
comment on column kualitas_data.pesan is 'Pesan temuan untuk kabupaten, dalam bahasa Indonesia.';
comment on column kualitas_data.baris is 'NOMOR baris dalam berkas tempat temuan (bukan jumlah baris; jumlah ada di unggahan.baris); kosong bila menyangkut seluruh berkas.';
comment on column kualitas_data.kolom is 'Kolom baku yang disebut temuan; kosong bila tidak ada.';
comment on column kualitas_data.nilai is 'Isi sel yang dipersoalkan, apa adanya; kosong bila tidak ada.';
comment on column kualitas_data.run_id is 'Id proses yang mengambil keputusan ini.';

comment on view berkas_ditolak is 'Berkas yang ditolak menurut keputusan terakhirnya: satu baris per berkas, terbaru dulu, dengan aturan dan baris pelanggaran pertamanya.';
comment on column berkas_ditolak.kode_kabupaten is 'Nama folder kotak masuk berkas (kode kabupaten/kota bila sah).';
comment on column berkas_ditolak.tanggal is 'Tanggal laporan berkas; kosong bila tidak terbaca.';
comment on column berkas_ditolak.file is 'Jalur berkas relatif terhadap folder landing (unggahan.file).';
comment on column berkas_ditolak.alasan is 'Alasan penolakan untuk kabupaten (semua temuan error, diringkas).';
comment on column berkas_ditolak.diproses_pada is 'Waktu proses yang menolaknya (timestamptz).';
comment on column berkas_ditolak.aturan is 'Aturan temuan error pertama: yang menyangkut seluruh berkas dulu, lalu menurut nomor baris.';
comment on column berkas_ditolak.baris_pertama is 'Nomor baris berkas temuan error pertama itu; kosong bila kesalahannya menyangkut seluruh berkas.';

-- Figures and the journal
comment on table riwayat_kecamatan is 'Riwayat angka: satu baris per baris kecamatan setiap berkas sah (dimuat atau digantikan); dari sini terlihat bagaimana angka dikoreksi.';
comment on column riwayat_kecamatan.file is 'Berkas asal (unggahan.file).';
comment on column riwayat_kecamatan.sha256 is 'SHA-256 isi berkas asal.';
comment on column riwayat_kecamatan.tanggal is 'Tanggal laporan berkas asal (DATE).';
comment on column riwayat_kecamatan.kode_kabupaten is 'Kode kabupaten/kota (folder kotak masuk).';
comment on column riwayat_kecamatan.kode_kecamatan is 'Kode kecamatan Kemendagri (6 digit).';
comment on column riwayat_kecamatan.nama_kecamatan is 'Nama kecamatan seperti tertulis dalam berkas.';
comment on column riwayat_kecamatan.wajib_ktp is 'Penduduk wajib KTP menurut baris ini.';
comment on column riwayat_kecamatan.sudah_rekam is 'Penduduk yang sudah rekam, kumulatif, menurut baris ini.';
comment on column riwayat_kecamatan.belum_rekam is 'Belum rekam seperti tertulis dalam berkas; kosong bila tidak diisi.';
comment on column riwayat_kecamatan.rekam_hari_ini is 'Perekaman hari itu seperti tertulis dalam berkas; kosong bila tidak diisi.';
comment on column riwayat_kecamatan.rekam_keliling is 'Perekaman keliling seperti tertulis dalam berkas; kosong bila tidak diisi.';
comment on column riwayat_kecamatan.sudah_cetak is 'Sudah cetak, kumulatif, seperti tertulis dalam berkas; kosong bila tidak diisi.';
comment on column riwayat_kecamatan.baris is 'NOMOR baris kecamatan ini dalam berkas asal.';
comment on column riwayat_kecamatan.diproses_pada is 'Waktu proses yang memuat baris ini (timestamptz).';
comment on column riwayat_kecamatan.run_id is 'Id proses yang memuat baris ini.';

comment on table laporan_kecamatan_terakhir is 'Laporan terakhir setiap kecamatan dari berkas yang berlaku (status loaded): satu baris per kecamatan, barisnya di riwayat_kecamatan.';
comment on table laporan_kecamatan_pertama is 'Laporan pertama setiap kecamatan dari berkas yang berlaku (status loaded): satu baris per kecamatan, barisnya di riwayat_kecamatan.';
comment on table jurnal_mart is 'Mart yang setiap versi barisnya disimpan dalam jurnalnya sendiri (riwayat_<mart>), dan sejak kapan: satu baris per mart.';
comment on column jurnal_mart.mart is 'Nama mart, mis. progres_kabupaten.';
comment on column jurnal_mart.sejak is 'Waktu keputusan proses yang memulai jurnal mart itu (timestamptz).';
comment on column jurnal_mart.lengkap is 'true: gudang data belum memutuskan apa pun sebelum sejak, jadi jurnal memuat setiap keadaan mart itu; false: waktu sebelum sejak disusun ulang dari jurnal keputusan (<mart>_susun).';

comment on table arsip_riwayat_kecamatan is 'Angka versi berkas yang kemudian diputuskan ulang sebagai ditolak atau salinan (yang dibuang riwayat_kecamatan): satu baris per baris kecamatan, satu salinan per berkas dan isi.';

comment on table riwayat_unggahan is 'Jurnal keputusan: setiap versi setiap baris unggahan, ditambahkan oleh proses yang memutuskannya; versi yang berlaku pada waktu T adalah yang terakhir dengan berlaku_sejak <= T.';
comment on column riwayat_unggahan.berlaku_sejak is 'Waktu keputusan proses yang menulis versi ini (timestamptz).';
comment on column riwayat_unggahan.dicatat_oleh is 'Id proses yang menulis versi ini.';
comment on column riwayat_unggahan.ada is 'false: sejak versi ini berkas tidak ada lagi di unggahan.';

comment on table riwayat_temuan is 'Setiap temuan setiap keputusan (kualitas_data hanya menyimpan keputusan terakhir): satu baris per temuan, per berkas, isi dan proses.';

-- Sign-off and reminders
comment on table persetujuan is 'Setiap persetujuan, penguncian dan pembukaan, tidak pernah dihapus: satu baris per tindakan.';
comment on column persetujuan.kode_kabupaten is 'Kode kabupaten/kota (4 digit).';
comment on column persetujuan.sampai_tanggal is 'Disetujui/dikunci: sampai tanggal ini; dibuka: mulai tanggal ini.';
comment on column persetujuan.tindakan is 'disetujui, dikunci atau dibuka.';
comment on column persetujuan.oleh is 'Akun yang bertindak; sistem bila proses menarik persetujuan karena angka berubah.';
comment on column persetujuan.pada is 'Waktu tindakan (timestamptz).';
comment on column persetujuan.alasan is 'Alasan yang ditulis; kosong bila tidak ada.';
comment on column persetujuan.atas is 'persetujuan atau kunci: apa yang disetujui, dikunci atau dibuka.';
comment on column persetujuan.urutan is 'Urutan tindakan: yang lebih besar menang (beberapa tindakan bisa sama waktunya).';
comment on column persetujuan.run_id is 'Proses yang menarik persetujuan; kosong untuk tindakan seseorang.';

comment on table pengingat is 'Setiap pengingat dan ringkasan yang dikirim atau dicoba: satu baris per kiriman.';
comment on column pengingat.dikirim_pada is 'Waktu kirim atau coba (timestamptz).';
comment on column pengingat.tanggal is 'Tanggal laporan yang diingatkan atau diringkas.';
comment on column pengingat.kode_kabupaten is 'Kabupaten/kota yang diingatkan; kosong untuk ringkasan provinsi.';
comment on column pengingat.saluran is 'surel atau webhook.';
comment on column pengingat.tujuan is 'Alamat surel atau URL tujuan.';
comment on column pengingat.berhasil is 'true bila terkirim.';
comment on column pengingat.pesan is 'Subjek yang dikirim, atau mengapa gagal.';
comment on column pengingat.jenis is 'pengingat (untuk kabupaten) atau ringkasan (untuk provinsi).';
comment on column pengingat.kecamatan is 'Kecamatan belum lapor yang disebut (dipisah koma).';

-- The warehouse itself
comment on table schema_migrations is 'Migrasi skema bernomor yang sudah diterapkan pada gudang data ini: satu baris per migrasi.';
comment on column schema_migrations.versi is 'Nomor migrasi (warehouse/sql/migrations).';
comment on column schema_migrations.nama is 'Nama berkas migrasi.';
comment on column schema_migrations.diterapkan_pada is 'Waktu migrasi diterapkan (timestamptz).';

comment on table terbitan is 'Terbitan yang sedang dibaca: satu baris, nomor dan waktu terbitnya.';
comment on column terbitan.nomor is 'Nomor terbitan (naik setiap proses yang mengubah data).';
comment on column terbitan.diterbitkan_pada is 'Waktu terbit (timestamptz).';

-- Macros
comment on macro batas_waktu is 'batas_waktu(tanggal): tenggat berkas tanggal laporan itu, pukul 02.00 WITA keesokan harinya (timestamptz).';
comment on macro dalam_cakupan is 'dalam_cakupan(kode, provinsi): true bila kode kabupaten/kecamatan/provinsi ada dalam provinsi itu (semua bila provinsi kosong).';
comment on macro table laporan_terakhir is 'laporan_terakhir(laporan, batas): satu baris per kecamatan, laporan terakhirnya pada atau sebelum batas (laporan: nama CTE).';
comment on macro table tanggal_lapor_terakhir is 'tanggal_lapor_terakhir(terakhir, laporan, batas): satu baris per kecamatan, tanggal laporan terakhirnya pada atau sebelum batas; riwayat laporan hanya dibaca bila laporan terakhir suatu kecamatan (terakhir: laporan_kecamatan_terakhir) sesudah batas (terakhir, laporan: nama CTE).';
comment on macro table hari_kabupaten is 'hari_kabupaten(terakhir, batas): satu baris, tanggal baris progres_kabupaten yang memuat angka setiap kabupaten pada batas: yang lebih awal dari batas dan laporan terakhir mana pun (terakhir: laporan_kecamatan_terakhir, nama CTE).';
comment on macro table batas_persetujuan is 'batas_persetujuan(catatan, lingkup): satu baris per kabupaten, tanggal terakhir yang masih disetujui (lingkup persetujuan) atau dikunci (kunci).';
comment on macro table prakiraan is 'prakiraan(tanggal_laporan, tanggal_target): satu baris per provinsi dan kabupaten: laju_7_hari (rata-rata perekaman per hari 7 hari terakhir), perkiraan selesai, rentang dan peluang selesai.';
comment on macro table prioritas_keliling is 'prioritas_keliling(tanggal_laporan, tanggal_target): satu baris per kecamatan, diurutkan menurut sisa belum rekam pada target dengan laju_7_hari-nya (rata-rata per hari 7 hari terakhir).';

-- The writer's bookkeeping: in a backup (`ektp cadangan`, which becomes a working file), not in the catalog
comment on table bagian is 'Catatan penulis: berkas Parquet setiap tabel dan bulan yang diterbitkan; satu baris per bagian.';
comment on column bagian.tabel is 'Nama tabel.';
comment on column bagian.bulan is 'Bulan (YYYY-MM), tanpa-tanggal, atau _skema (berkas tanpa baris yang memuat kolom).';
comment on column bagian.berkas is 'Berkas Parquet, relatif terhadap folder <gudang>.bagian.';
comment on table bagian_kotor is 'Catatan penulis: bagian yang diubah proses dan belum diterbitkan; satu baris per tabel dan bulan.';
comment on column bagian_kotor.tabel is 'Nama tabel.';
comment on column bagian_kotor.bulan is 'Bulan (YYYY-MM) atau tanpa-tanggal.';
comment on table kedatangan is 'Catatan penulis: waktu tiba versi berkas yang sudah terlihat tetapi belum diputuskan (bertanggal sesudah tanggal proses).';
comment on column kedatangan.file is 'Jalur berkas relatif terhadap folder landing.';
comment on column kedatangan.sha256 is 'SHA-256 isi berkas.';
comment on column kedatangan.tiba_pada is 'Waktu tiba berkas, dicatat sekali (timestamptz).';
comment on table tanda_terima_terutang is 'Catatan penulis: tanda terima yang sudah diputuskan tetapi belum ditulis; satu baris per proses dan kabupaten.';
comment on column tanda_terima_terutang.run_id is 'Id proses yang memutuskan berkasnya.';
comment on column tanda_terima_terutang.kode_kabupaten is 'Kode kabupaten/kota penerima.';
comment on column tanda_terima_terutang.dokumen is 'Tanda terima sebagai dokumen JSON.';
comment on column tanda_terima_terutang.surat is 'Tanda terima sebagai surat berbahasa Indonesia.';
comment on column tanda_terima_terutang.dibuat_pada is 'Waktu tanda terima dibuat (timestamptz).';
