"""The domain: message contracts and the rules that hold whatever the cloud."""
