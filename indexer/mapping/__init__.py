"""MARC -> mapped record: rules as data (schemas/marc21.toml), compiled once, applied fast.

from indexer.mapping import load_rules
mapper = load_rules(schemas_dir=settings.schemas_dir)   # <schemas>/marc21.toml
mapped = mapper.map(record)    # a plain dict; see rules.TARGETS for its keys
"""

from indexer.mapping.rules import TARGETS, Mapper, load_rules

__all__ = ["TARGETS", "Mapper", "load_rules"]
