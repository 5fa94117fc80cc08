"""`python -m briefwatch.jobs.cli`: the `briefwatch` command."""

from briefwatch.jobs.cli import main

main()
