"""The SQLite file: opening it, its migrations, and the queries over it."""
