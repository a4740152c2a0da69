"""What every app may import: it imports none of them (portal, departments, contacts, delivery).

``core.pages``: the announcement that public pages changed, the mark of a cacheable
public view, and the registry of the pages each app publishes.
"""
