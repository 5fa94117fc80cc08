"""The fake sites and servers the tests crawl, on 127.0.0.1: a site crawled twice with edits
(`edited`), the other site families (`families`), the briefing rooms (`rooms`), a site that
fails in every way (`faulty`), a web archive's CDX and replay server (`wayback`), and a gate in
front of Redis (`redisgate`). Invented transcripts in the real templates (jobs/demo/)."""
