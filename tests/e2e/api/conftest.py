"""The API tier uses the fixtures of tests/e2e/conftest.py (``api``, ``identity``, ``org_a``,
``org_b``) and the helpers of tests/e2e/organizations.py."""
