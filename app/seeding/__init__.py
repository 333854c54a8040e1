"""Curated seed files -> validated records -> rows in the database."""
