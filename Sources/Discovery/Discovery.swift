// The Discovery module; see docs/ARCHITECTURE.md.
