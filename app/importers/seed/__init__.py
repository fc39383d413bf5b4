"""`sidefx seed`: the curated records of seed_data/*.yaml, validated (files, models), then
written by slug (load) with a citation for every statement (citations)."""
