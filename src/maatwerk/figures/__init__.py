"""The register of figures: every figure of a case as a dated, sourced, append-only record (issue 13)."""
