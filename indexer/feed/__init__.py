"""The feed for the national Hub: OAI-PMH provider logic, MARC built from merged documents, exports
and availability. No Flask here: `opac/oai` and `opac/ilsdi` are thin blueprints over it."""
