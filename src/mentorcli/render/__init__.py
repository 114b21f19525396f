"""Output for people and for scripts: table, JSON, CSV, Markdown, and the texts in en and lv."""
