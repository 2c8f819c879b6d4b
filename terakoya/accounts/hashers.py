"""Password hashing: Argon2id with OWASP's recommended minimum parameters.

Django's default Argon2 parameters (100 MiB, parallelism 8) are sized for a dedicated server;
a school server on 2 cores must verify a whole class signing in at once (30 tablets in the
first minute of a lesson). OWASP's Password Storage Cheat Sheet lists m=19 MiB, t=2, p=1 as
an equivalent-strength configuration; we use it. Existing hashes with other parameters are
upgraded on the next successful sign-in (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class TerakoyaArgon2Hasher(Argon2PasswordHasher):
    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
