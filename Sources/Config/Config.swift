// The Config module; see docs/ARCHITECTURE.md.
