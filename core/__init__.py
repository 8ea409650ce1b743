"""What every layer reads and none owns: the settings (declared once). Imports nothing from the other
subpackages, so loaders, ontology, graph, queries and app can all depend on it."""
