"""The ticket skill's rules as pure functions over plain data: no I/O, no MCP.

The MCP layer gathers what the rules need (the instance's lookups, the current ticket),
asks them for a verdict, and writes only when the verdict has no errors.
"""
