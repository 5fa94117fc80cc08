"""Certificates verified against a CA bundle a source names (`ca_bundle`).

Scrapy does not verify certificates unless told to (DOWNLOAD_VERIFY_CERTIFICATES). A site
whose chain ends in a CA that common trust stores lack (mid.ru: a Russian state CA) can be
verified all the same against that CA's certificate: the hosts of a source with `ca_bundle`
are, and a certificate that does not chain to it fails the fetch (the spider says so, by
name). Other hosts are handled as Scrapy handles them.
"""

from __future__ import annotations

import re
from pathlib import Path

# The factory Scrapy itself uses; its public name (ScrapyClientContextFactory) is a deprecated
# alias that warns when subclassed.
from scrapy.core.downloader.contextfactory import _ScrapyClientContextFactory
from twisted.internet.ssl import Certificate, optionsForClientTLS, trustRootFromCertificates

PEM = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S)


def bundles_of(sources: list[dict]) -> dict[str, str]:
    """host -> the CA bundle its source names, for a plan's sources."""
    from urllib.parse import urlsplit

    found = {}
    for source in sources:
        bundle = (source.get("options") or {}).get("ca_bundle")
        for url in source["start_urls"] if bundle else ():
            found[urlsplit(url).hostname] = bundle
    return found


def trust_root(path: str):
    certificates = [Certificate.loadPEM(block) for block in PEM.findall(Path(path).read_bytes())]
    return trustRootFromCertificates(certificates)


class BundleContextFactory(_ScrapyClientContextFactory):
    bundles: dict = {}

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        factory = super().from_crawler(crawler, *args, **kwargs)
        factory.bundles = {host: trust_root(path) for host, path in
                           crawler.settings.getdict("BRIEFWATCH_CA_BUNDLES").items()}
        return factory

    def creatorForNetloc(self, hostname: bytes, port: int):
        trust = self.bundles.get(hostname.decode("ascii"))
        if trust is None:
            return super().creatorForNetloc(hostname, port)
        return optionsForClientTLS(hostname.decode("ascii"), trustRoot=trust,
                                   extraCertificateOptions=self._get_cert_options_kwargs())
