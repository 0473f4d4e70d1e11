"""OAI-PMH 2.0 endpoint at /oai (the logic lives in indexer.feed.oai)."""
