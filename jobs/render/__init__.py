"""What briefwatch shows, apart from where it is shown: the terminal's diff formats
(`terminal`), the HTML pages and their templates (`pages`, `templates/`), the notification
digests (`digest`), the Atom feed (`feed`) and the WARC evidence (`warc`). The faces (the CLI in
jobs/cli/, the web view in jobs/web.py) and the run's notification step call these."""
