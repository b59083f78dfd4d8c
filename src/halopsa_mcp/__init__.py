"""HaloPSA MCP server: validated, safe access to HaloPSA tickets for AI agents."""
