"""AutoThrottle that never goes below a site's floor.

Scrapy's AutoThrottle lowers a slot's delay toward the site's latency, down to the global
DOWNLOAD_DELAY: a fast answer from a site whose peers wait 6 s between requests would bring
our delay under that. The per-host delays of DOWNLOAD_SLOTS (crawler.settings.source_slots)
are floors here.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class FlooredAutoThrottle(AutoThrottle):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.floors = {host: float(slot.get("delay", 0)) for host, slot in
                       crawler.settings.getdict("DOWNLOAD_SLOTS").items()}

    def _response_downloaded(self, response, request, spider=None):
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        floor = self.floors.get(key)
        if slot is not None and floor is not None and slot.delay < floor:
            slot.delay = floor
