"""The MeSH browse pages (/browse/mesh/...): a heading with its broader and narrower ones."""
