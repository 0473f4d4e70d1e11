"""The opensearch-py client for a cluster URL, with the deployment's TLS settings.

An https URL is always verified: against LANTERN_OPENSEARCH_CA when set (a region's own CA,
or the docker-compose stack's demo CA), else against certifi's public CAs. Turning the host
name check off (LANTERN_OPENSEARCH_VERIFY_HOSTNAME=off) still checks the certificate's
signature: it is for certificates issued to another name than the one Lantern dials (a node's
own name behind a load balancer), never a way to accept any certificate.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from opensearchpy import OpenSearch

from indexer.errors import ConfigError
from indexer.settings import without_credentials


def make_client(
    url: str, *, ca: str = "", verify_hostname: bool = True, timeout: float = 30.0
) -> OpenSearch:
    # Transport retries stay low: the bulk writer has its own backoff, and a search during an
    # outage should fail fast into a 503 page.
    options: dict = {"timeout": timeout, "max_retries": 1, "retry_on_timeout": False}
    if urllib.parse.urlsplit(url).scheme == "https":
        options["verify_certs"] = True
        if ca:
            if not Path(ca).is_file():
                raise ConfigError(f"LANTERN_OPENSEARCH_CA={ca!r}: no such file")
            options["ca_certs"] = ca
        if not verify_hostname:
            options["ssl_assert_hostname"] = False
    elif ca or not verify_hostname:
        raise ConfigError(
            "LANTERN_OPENSEARCH_CA and LANTERN_OPENSEARCH_VERIFY_HOSTNAME apply to an https "
            f"LANTERN_OPENSEARCH_URL, not {without_credentials(url)!r}"
        )
    return OpenSearch(hosts=[url], **options)
