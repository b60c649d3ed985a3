"""Who may do what: project and device keys, the project file, sealed packages (docs/security.md)."""
