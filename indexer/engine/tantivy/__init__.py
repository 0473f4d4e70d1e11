"""The embedded engine: a Tantivy index in a directory beside the catalogue store (the default).

`engine.TantivyEngine` implements `indexer.engine.base.Engine`; the other modules are its
parts: the schema and analysers, the query builder, facet counting, "did you mean" and
suggestions, highlighting, the single writer and the index directory with its link. Only this
package imports `tantivy`.
"""
