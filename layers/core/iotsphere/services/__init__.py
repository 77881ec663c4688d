"""Services: plain functions over the domain that take their ports as arguments."""
