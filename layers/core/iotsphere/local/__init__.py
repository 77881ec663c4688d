"""The local stack: real services as child processes, and the function runner."""
