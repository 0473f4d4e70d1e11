"""Staff accounts, the audit log and the app's persistent secret (no Flask).

`accounts`: who may sign in to the staff console, with which role, and their password hashes;
`audit`: the append-only log of every change made in the console or by `lantern staff`;
both live in one SQLite file, `DATA_DIR/staff.sqlite` (`store`). `secret`: the signing key the
OPAC's worker processes share when `LANTERN_SECRET_KEY` is not set.
"""
