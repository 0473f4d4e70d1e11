"""Record exports (citations, MARC) and the blueprint that serves them."""
