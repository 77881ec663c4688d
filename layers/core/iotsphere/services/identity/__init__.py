"""Identity services: plain functions over ``IdentityPorts``, each call scoped by organization."""
