"""Validate request bodies against the OpenSearch REST API specification (OpenAPI 3.1).

The spec is big (2.8 MB of YAML): it is parsed once and kept as a pickle in pytest's cache
directory, keyed by the file's size and mtime.

Two checks per body: JSON Schema validation of the operation's requestBody schema (with the
spec's `$ref`s resolved by `referencing`), and a stricter walk that reports keys the spec does
not declare where it lists an object's properties (the spec rarely says
`additionalProperties: false`, so a misspelt `tie_breakr` would otherwise pass).
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from jsonschema import _keywords
from referencing import Registry
from referencing.jsonschema import DRAFT202012

BASE = "urn:opensearch-api"
# The spec's `oneOf`s list open object schemas that overlap (a sort `{"year": {"order":
# "desc"}}` is both a FieldWithOrder and, as SortOptions declares no closed key set, a
# SortOptions), so strict oneOf refuses valid requests. They are read as anyOf; the strict
# walk below still reports undeclared keys.
Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"oneOf": _keywords.anyOf}
)
SPEC_NAME = "opensearch-api-specification__opensearch-openapi.yaml"


def load_spec(path: Path, cache_dir: Path) -> dict[str, Any]:
    stat = path.stat()
    cached = cache_dir / f"openapi-{stat.st_size}-{stat.st_mtime_ns}.pickle"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open("rb") as fh:
        spec = yaml.load(fh, Loader=loader)  # noqa: S506 - a safe loader
    cached.write_bytes(pickle.dumps(spec, protocol=pickle.HIGHEST_PROTOCOL))
    return spec


def _absolute_refs(node: Any) -> Any:
    """The spec with every local `$ref` made absolute, so any part of it can be a schema root."""
    if isinstance(node, dict):
        out = {k: _absolute_refs(v) for k, v in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            out["$ref"] = BASE + ref
        return out
    if isinstance(node, list):
        return [_absolute_refs(v) for v in node]
    return node


def _pointer(spec: dict, ref: str) -> Any:
    node: Any = spec
    for part in ref.removeprefix(BASE).removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@dataclass
class Operation:
    group: str  # x-operation-group, e.g. "search", "indices.create"
    template: str
    schema_ref: str | None  # JSON pointer of the request body schema
    ndjson: bool


class ApiSpec:
    def __init__(self, spec: dict[str, Any]) -> None:
        spec = _absolute_refs(spec)
        self.spec = spec
        registry = Registry().with_resource(BASE, DRAFT202012.create_resource(spec))
        self._registry = registry
        self._routes: list[tuple[str, re.Pattern, str, dict]] = []
        for template, methods in spec["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
            for method, op in methods.items():
                if isinstance(op, dict) and "x-operation-group" in op:
                    self._routes.append((method.upper(), pattern, template, op))
        # literal paths before templated ones ("/_aliases" before "/{index}")
        self._routes.sort(key=lambda r: r[2].count("{"))

    def operation(self, method: str, path: str) -> Operation:
        for m, pattern, template, op in self._routes:
            if m == method and pattern.match(path):
                return self._operation(op, template)
        raise LookupError(f"no operation in the spec for {method} {path}")

    def _operation(self, op: dict, template: str) -> Operation:
        body = op.get("requestBody")
        if body is None:
            return Operation(op["x-operation-group"], template, None, False)
        pointer = body["$ref"].removeprefix(BASE) if "$ref" in body else None
        body = _pointer(self.spec, pointer) if pointer else body
        content = body["content"]
        ndjson = "application/x-ndjson" in content
        media = "application/x-ndjson" if ndjson else "application/json"
        base = pointer or ""
        ref = f"{base}/content/{media.replace('/', '~1')}/schema"
        return Operation(op["x-operation-group"], template, ref, ndjson)

    def errors(self, operation: Operation, body: Any) -> list[str]:
        """Every way `body` breaks the spec; empty when it conforms."""
        if operation.schema_ref is None:
            return [] if body is None else [f"{operation.group} takes no body"]
        schema = {"$ref": BASE + operation.schema_ref}
        validator = Validator(schema, registry=self._registry)
        found = [
            f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
            for e in validator.iter_errors(body)
        ]
        resolved = _pointer(self.spec, operation.schema_ref)
        found += self._undeclared(resolved, body, "", validator)
        return found

    # --- the strict walk ---------------------------------------------------------------

    def _resolve(self, schema: Any) -> Any:
        while isinstance(schema, dict) and "$ref" in schema:
            schema = _pointer(self.spec, schema["$ref"])
        return schema

    def _branches(self, schema: dict, instance: Any, validator) -> list[dict]:
        """The schema and the parts of it that apply to `instance` (allOf, matching anyOf/oneOf)."""
        schema = self._resolve(schema)
        if not isinstance(schema, dict):
            return []
        out = [schema]
        for sub in schema.get("allOf", []):
            out += self._branches(sub, instance, validator)
        for key in ("anyOf", "oneOf"):
            for sub in schema.get(key, []):
                if validator.evolve(schema=sub).is_valid(instance):
                    out += self._branches(sub, instance, validator)
        return out

    def _undeclared(self, schema: Any, instance: Any, path: str, validator) -> list[str]:
        branches = self._branches(schema, instance, validator)
        out: list[str] = []
        if isinstance(instance, dict):
            declared: dict[str, list] = {}
            extra: list = []
            closed = False
            for b in branches:
                for key, sub in b.get("properties", {}).items():
                    declared.setdefault(key, []).append(sub)
                if "properties" in b:
                    closed = True
                more = b.get("additionalProperties")
                if isinstance(more, dict):
                    extra.append(more)
                elif more is True or "patternProperties" in b:
                    closed = False
            for key, value in instance.items():
                subs = declared.get(key) or extra
                if not subs:
                    if closed:
                        out.append(f"{path}/{key}: not in the spec")
                    continue
                for sub in subs[:1]:
                    out += self._undeclared(sub, value, f"{path}/{key}", validator)
        elif isinstance(instance, list):
            for b in branches:
                items = b.get("items")
                if isinstance(items, dict):
                    for i, value in enumerate(instance):
                        out += self._undeclared(items, value, f"{path}/{i}", validator)
                    break
        return out
