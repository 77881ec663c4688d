"""The device lifecycle: registry, device types, configuration shadows, commands, provisioning."""
