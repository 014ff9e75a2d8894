-- The latest uploads of every district (the admin's log), newest first.
select * from unggahan order by id desc limit :batas
