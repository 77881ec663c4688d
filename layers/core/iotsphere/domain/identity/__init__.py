"""Identity: organizations, users and their roles, sessions, API keys, the audit log."""
