"""Supervision: decisions, comments, quality flags, the review queue and the dashboard."""
