"""MARC inside Lantern: `record` is the model every reader produces and every writer takes,
`from_document` turns a merged search document into the record the Hub feed, the exports and the
record page's downloads all serve, and `writer` writes ISO 2709, MARCXML and MARC-in-JSON."""
