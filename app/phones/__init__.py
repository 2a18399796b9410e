"""Phone banking: call lists from universes, callers handed the next person, progress."""
