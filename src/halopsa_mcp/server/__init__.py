"""The MCP layer: declares tools, calls the rules and the HaloPSA client, shapes results."""
