"""What a service desk holds, in this project's own words: no I/O and no wire names.

The client parses HaloPSA's answers into these records and maps these requests onto
HaloPSA's fields; the rules and the MCP layer read and build only these. A second
service desk behind the same tools needs its own client, not new rules or tools.
"""
