"""Cluster mode: workers on other machines fetch and extract through a shared Redis
(frontier, leasedqueue, spider, workerprocess); the coordinator beside the database seeds the
run and stores what they hand back (coordinator)."""
