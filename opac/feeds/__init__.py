"""Feeds for other software: the OpenSearch description and Atom feeds of searches."""
