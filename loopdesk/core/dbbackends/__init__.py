"""Database backends of our own (ENGINE paths in config.settings)."""
