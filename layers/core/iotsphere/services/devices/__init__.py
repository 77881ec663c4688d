"""Device lifecycle services: registry, onboarding, claims, configuration, commands."""
