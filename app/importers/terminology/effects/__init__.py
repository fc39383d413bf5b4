"""HPO and MedDRA: each loader (hpo, meddra) reads its files (hpo_obo, meddra_files) and
replaces its tables (release); the read model joins the tables to effects (links, tables,
systems)."""
