"""The argon2id cost the tests hash passwords at: its least (1 MiB, one pass, one lane).

At RFC 9106's, the default (contract/settings.py), each of the suite's ~350 logins and new
passwords took 0.23 s of CPU, ~80 s a run. tests/conftest.py puts these in the environment of
every test process. What the default cost is for is tested at the default: the forty logins at
once (tests/portal/test_attacks.py) and a hash of one cost checked at the other
(tests/portal/test_accounts.py)."""

LEAST = {"EKTP_ARGON2_MEMORY_KIB": "1024", "EKTP_ARGON2_TIME_COST": "1", "EKTP_ARGON2_PARALLELISM": "1"}
