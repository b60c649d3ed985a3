"""The command line's commands that are more than a call into the core (main.py parses and dispatches)."""
