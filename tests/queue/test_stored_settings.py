"""What a queued load keeps in Redis names the OpenSearch cluster but never its password;
a worker puts back the credentials of its own LANTERN_OPENSEARCH_URL for the same cluster."""

from __future__ import annotations

import dataclasses

from indexer.queue.plan import plan_load
from indexer.queue.registry import LoadRegistry
from indexer.settings import settings_of_load
from tests.conftest import libraries_toml, shared
from tests.queue.conftest import REDIS_URL, data_dir

URL = "https://lantern:s3cret-Pass@search.example.nhs.uk:9200"


def test_the_opensearch_password_never_reaches_redis(harness, tmp_path):
    settings = dataclasses.replace(
        data_dir(tmp_path / "instance", libraries_toml("UVA")),
        engine="opensearch",
        opensearch_url=URL,
    )
    registry = LoadRegistry.connect(REDIS_URL, harness.prefix)
    files = [shared("marc", "solrmarc__uva_001-200.mrc")]
    meta = plan_load(settings, "UVA", files, registry)
    stored = b"".join(
        str(harness.client.dump(key)).encode()
        for key in harness.client.scan_iter(match=f"{harness.prefix}*")
    )
    assert stored and b"s3cret" not in stored
    kept = registry.meta(meta["id"])["settings"]
    assert kept["opensearch_url"] == "https://search.example.nhs.uk:9200"
    worker = settings_of_load(kept, environ={"LANTERN_OPENSEARCH_URL": URL})
    assert worker.opensearch_url == URL
    other = settings_of_load(kept, environ={"LANTERN_OPENSEARCH_URL": "https://x:y@elsewhere:9200"})
    assert other.opensearch_url == "https://search.example.nhs.uk:9200"
