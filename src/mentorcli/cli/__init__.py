"""Typer commands, one module per noun. Each parses, calls the store or the core, renders."""
