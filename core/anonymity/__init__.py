"""Anonymisation: detecting identifiers, the researcher's pseudonym table, applying both to text."""
