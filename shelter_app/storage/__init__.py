"""Storage: the tables, the connection and the schema migrations. Knows nothing of Qt."""
