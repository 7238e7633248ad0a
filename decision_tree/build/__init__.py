"""Build side only: load and validate the YAML, generate pages, bundle, MkDocs hook.

Nothing here is shipped to the browser; it may use PyYAML and Markdown.
"""
