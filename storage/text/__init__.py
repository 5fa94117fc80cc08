"""Text analysis, shared by the crawler and storage: what counts as CJK text (cjk), the
canonical form that decides what is an edit (normalize), speaker turns (turns) and diffs
(diff). Pure functions of text: no database, no network."""
