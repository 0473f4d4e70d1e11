"""A cluster that speaks HTTPS with a certificate of its own CA, as docker-compose's demo
security configuration and a region's cluster do: osmem-server behind a TLS proxy whose
certificate a throwaway CA (trustme) signed."""

import dataclasses
import ssl

import pytest

from indexer.engine import open_engine
from indexer.engine.opensearch.engine import OpenSearchEngine
from indexer.errors import ConfigError, EngineUnavailableError
from indexer.settings import load_settings
from tests.engine.catalogue import CATALOGUE
from tests.engine.faulty_http import FaultyProxy

trustme = pytest.importorskip("trustme")
pytestmark = pytest.mark.osmem


@pytest.fixture
def ca():
    return trustme.CA()


def tls_proxy(osmem, ca, *names):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return FaultyProxy.start(osmem.url, tls=context)


@pytest.fixture
def cluster(osmem, ca):
    proxy = tls_proxy(osmem, ca, "127.0.0.1")
    yield proxy
    proxy.close()


@pytest.fixture
def ca_file(ca, tmp_path):
    path = tmp_path / "cluster-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def test_a_cluster_with_its_own_ca_is_refused_without_it(cluster):
    with pytest.raises(EngineUnavailableError, match="(?i)certificate"):
        OpenSearchEngine(cluster.url, writer=True)


def test_the_ca_setting_connects_and_verifies(cluster, ca_file, tmp_path):
    settings = dataclasses.replace(
        load_settings(environ={"LANTERN_DATA_DIR": str(tmp_path)}),
        engine="opensearch",
        opensearch_url=cluster.url,
        opensearch_ca=ca_file,
    )
    with open_engine(settings, writer=True) as engine:
        engine.upsert(CATALOGUE[:3], new=True)
        engine.commit()
    with open_engine(settings) as reader:
        assert reader.count() == 3


def test_hostname_check_off_accepts_another_name_but_never_another_ca(osmem, ca, ca_file):
    proxy = tls_proxy(osmem, ca, "opensearch-node1")  # not the 127.0.0.1 that Lantern dials
    try:
        with pytest.raises(EngineUnavailableError):
            OpenSearchEngine(proxy.url, ca=ca_file).count()
        with OpenSearchEngine(proxy.url, writer=True, ca=ca_file, verify_hostname=False) as ok:
            assert ok.count() == 0
        stranger = tls_proxy(osmem, trustme.CA(), "127.0.0.1")
        try:
            with pytest.raises(EngineUnavailableError):
                OpenSearchEngine(stranger.url, ca=ca_file, verify_hostname=False).count()
        finally:
            stranger.close()
    finally:
        proxy.close()


def test_tls_settings_that_cannot_work_are_clear_errors(tmp_path, ca_file):
    with pytest.raises(ConfigError, match="LANTERN_OPENSEARCH_CA"):
        OpenSearchEngine("https://search.example:9200", ca=str(tmp_path / "missing.pem"))
    with pytest.raises(ConfigError, match="https"):
        OpenSearchEngine("http://search.example:9200", ca=ca_file)
    with pytest.raises(ConfigError, match="LANTERN_OPENSEARCH_VERIFY_HOSTNAME"):
        load_settings(environ={"LANTERN_OPENSEARCH_VERIFY_HOSTNAME": "maybe"})
    assert (
        load_settings(
            environ={"LANTERN_OPENSEARCH_VERIFY_HOSTNAME": "off"}
        ).opensearch_verify_hostname
        is False
    )
