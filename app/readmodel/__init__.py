"""The read model: everything derived from the loaded data, computed, stored and read."""
