"""Backups that restore: `doorstep backup`, `doorstep restore FILE`, the worker's schedule."""
