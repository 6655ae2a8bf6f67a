// The Scrape module; see docs/ARCHITECTURE.md.
