"""Code shipped with the functions: one module per capability, thin handlers over services."""
