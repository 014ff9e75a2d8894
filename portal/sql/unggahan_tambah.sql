-- One row of the upload log: a file sent through the portal and what the check said.
insert into unggahan (
    kiriman, akun, kode_kabupaten, nama_asli, berkas, sha256, ukuran, diunggah_pada,
    ip, hasil, alasan, kesalahan, peringatan, tanda_terima, tanggal, perbandingan, tunda
) values (
    :kiriman, :akun, :kode_kabupaten, :nama_asli, :berkas, :sha256, :ukuran, :diunggah_pada,
    :ip, :hasil, :alasan, :kesalahan, :peringatan, :tanda_terima, :tanggal, :perbandingan, :tunda
)
