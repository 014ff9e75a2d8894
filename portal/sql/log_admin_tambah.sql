-- One admin action.
insert into log_admin (pada, oleh, tindakan, sasaran, keterangan)
values (:pada, :oleh, :tindakan, :sasaran, :keterangan)
