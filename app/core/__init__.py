"""Shared pieces only: base model, errors, HTTP plumbing, pagination, local database."""
