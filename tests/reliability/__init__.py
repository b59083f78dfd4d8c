"""Reliability suite: the MCP server under the sandbox HaloPSA's injected faults."""
