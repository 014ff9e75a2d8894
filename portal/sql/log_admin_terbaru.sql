-- The latest admin actions, newest first.
select * from log_admin order by id desc limit :batas
