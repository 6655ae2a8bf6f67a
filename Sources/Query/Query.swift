// The Query module; see docs/ARCHITECTURE.md.
