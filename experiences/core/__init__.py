"""What every domain shares and none owns: cleaning text, rendering Markdown, cutting Chinese
into words, the page cache, URL converters, limits, request helpers and admin pieces.

Nothing here imports a domain: domains import core, never the other way round.
"""
