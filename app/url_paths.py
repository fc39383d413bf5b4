"""The API's one path prefix, and the paths derived from it (leaf module)."""

API_PREFIX = "/v1"
META_PATH = f"{API_PREFIX}/meta"  # where the medical disclaimer lives
PROBLEMS_PATH = f"{API_PREFIX}/problems"
