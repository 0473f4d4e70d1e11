"""Lantern: the command line that ties the indexer and the OPAC together."""
