"""Management commands of the development tools (installed only with DEVTOOLS)."""
