"""Form families drawn as bureaus issue them (各地表样): one module per family, used by tests/families.py.

Each family module holds the content of a form (a dataclass), its figures computed in Decimal, and a
`draw(ws)` that paints the sheet and returns where each figure was written ({field key: cell}).
"""
