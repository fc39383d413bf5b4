"""Terminologies from the user's own files (their licences differ): `drugs` gives drugs codes
and brand names (RxNorm, WHO ATC); `effects` loads the HPO and MedDRA tables that the read
model joins to effects (codes, body systems, kinds, lay synonyms and lower-level terms)."""
