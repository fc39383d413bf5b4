"""`sidefx import sider`: SIDER 4.1 beside the curated records. Files are read strictly (files,
read, mapping, terms), staged (stage), matched by code (match), written set-based (write,
aliases, prune) and checked against the last import (release_guard); load runs it all."""
